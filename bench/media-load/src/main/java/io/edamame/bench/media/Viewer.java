package io.edamame.bench.media;

import io.edamame.bench.support.WsClient;
import io.netty.channel.group.ChannelGroup;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One viewer: connects, sends {@code join}, and once it is answered {@code subscribe} to the host's
 * publication with a receive-only offer, as a browser does. Its timestamps (System.nanoTime) are
 * written by the connection's I/O thread and read once the run has settled.
 */
final class Viewer {

    enum Stage { CONNECT, JOIN, SUBSCRIBE, DONE }

    final int index;
    /** When it was due: the open-loop schedule's time, or in the closed loop when it was started. */
    final long dueNanos;
    long startNanos;
    long openNanos;
    long joinSentNanos;
    long joinAnswerNanos;
    long subscribeSentNanos;
    long subscribeAnswerNanos;
    volatile Stage stage = Stage.CONNECT;
    /** {@code stage:code} when it failed, else null. */
    volatile String failure;
    final Link link;

    Viewer(int index, long dueNanos, Traffic traffic) {
        this.index = index;
        this.dueNanos = dueNanos;
        this.link = new Link(traffic);
    }

    boolean subscribed() {
        return stage == Stage.DONE && failure == null;
    }

    /**
     * Starts the viewer; {@code settled} hears once it subscribed or failed (at the latest after
     * {@code timeoutSeconds}).
     */
    void start(WsClient client, URI uri, ChannelGroup channels, String publisherId, String sdpOffer,
               long timeoutSeconds, Consumer<Viewer> settled) {
        startNanos = System.nanoTime();
        String subscribeParams = "{\"publisherId\":" + Json.quote(publisherId) + ",\"sdpOffer\":" + Json.quote(sdpOffer) + "}";
        CompletableFuture<Link.Answer> done = link.open.thenCompose(open -> {
            openNanos = open;
            stage = Stage.JOIN;
            joinSentNanos = System.nanoTime();
            return link.request(1, "join", "{}");
        }).thenCompose(joined -> {
            joinAnswerNanos = joined.nanos();
            if (joined.frame().kind() != Frame.Kind.RESULT) {
                throw new Link.Failure(joined.frame().errorCode());
            }
            stage = Stage.SUBSCRIBE;
            subscribeSentNanos = System.nanoTime();
            return link.request(2, "subscribe", subscribeParams);
        });
        done.orTimeout(timeoutSeconds, TimeUnit.SECONDS).whenComplete((answer, error) -> {
            if (error != null) {
                fail(reason(error));
            } else if (answer.frame().kind() != Frame.Kind.RESULT) {
                subscribeAnswerNanos = answer.nanos();
                fail(answer.frame().errorCode());
            } else if (answer.frame().sdpAnswer() == null || !answer.frame().sdpAnswer().startsWith("v=0")) {
                subscribeAnswerNanos = answer.nanos();
                fail("NO_SDP_ANSWER");
            } else {
                subscribeAnswerNanos = answer.nanos();
                stage = Stage.DONE;
            }
            if (failure != null) {
                // As a client that gives up: the connection does not stay in the room.
                link.close();
            }
            settled.accept(this);
        });
        client.connect(uri, channels, link);
    }

    private void fail(String code) {
        failure = stage.name().toLowerCase(java.util.Locale.ROOT) + ":" + code;
        stage = Stage.DONE;
    }

    private static String reason(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof Link.Failure failure) {
            return failure.code;
        }
        if (cause instanceof TimeoutException) {
            return "TIMEOUT";
        }
        return cause.getClass().getSimpleName();
    }
}
