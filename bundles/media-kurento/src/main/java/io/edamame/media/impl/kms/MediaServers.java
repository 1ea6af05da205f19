package io.edamame.media.impl.kms;

import io.edamame.core.api.EdamameException;
import io.edamame.media.api.MediaErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.kurento.client.KurentoClient;
import org.kurento.client.KurentoClientBuilder;
import org.kurento.client.MediaPipeline;
import org.kurento.client.Tag;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections of this node to its Kurento Media Servers, one official {@link KurentoClient} each.
 *
 * <p>A server that cannot be reached is tried again with a backoff (1 s doubling to
 * {@code reconnect.max.seconds}). A dropped connection is first left to the client, which reconnects
 * for {@code reconnect.window.seconds}: back to the same server process, nothing is lost; to a
 * restarted one, every object is gone. Either way the {@link MediaServerListener} hears it, on this
 * component's own thread, and rebuilds the rooms.
 *
 * <p>The client's own timeouts are JVM system properties that it reads once
 * ({@code kurento.client.requestTimeout}, 10 s; {@code kurento.client.connectionTimeout}, 5 s); the
 * sweep doubles as a keep-alive, since the client stops its heartbeat after a reconnection.
 *
 * <p>Pipelines carry the tag {@value #NODE_TAG} with this node's id, so that a node can release what
 * it abandoned (after a crash of the node, or a race) instead of leaving it on the server for ever.
 */
@Component(service = MediaServers.class, configurationPid = MediaServersConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = MediaServersConfig.class)
public class MediaServers {

    /** The tag that names the node owning a pipeline. */
    public static final String NODE_TAG = "edamame.node";
    /** The tag that names the room of a pipeline, as {@code tenantId/roomId}. */
    public static final String ROOM_TAG = "edamame.room";

    static final long FIRST_RETRY_MILLIS = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(MediaServers.class);

    private final List<MediaServer> servers = new CopyOnWriteArrayList<>();
    private final Map<MediaServer, Long> retryDelays = new LinkedHashMap<>();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "edamame-media-servers");
        t.setDaemon(true);
        return t;
    });
    private volatile long maxRetryMillis;
    private volatile long reconnectWindowMillis;
    private volatile String nodeId;
    private ScheduledFuture<?> sweeps;
    private volatile MediaServerListener listener;
    private volatile Predicate<String> ownsPipeline = id -> true;
    private volatile boolean stopped;

    @Activate
    public void activate(MediaServersConfig config) {
        nodeId = config.node_id().isBlank() ? storedNodeId() : config.node_id().trim();
        thread.execute(() -> apply(config));
    }

    /**
     * A changed configuration applies without a restart: servers added are connected, servers removed
     * are let go (their rooms move elsewhere), and open connections of clients are kept.
     */
    @Modified
    public void modified(MediaServersConfig config) {
        thread.execute(() -> apply(config));
    }

    private void apply(MediaServersConfig config) {
        maxRetryMillis = Math.max(1, config.reconnect_max_seconds()) * 1000L;
        reconnectWindowMillis = Math.max(0, config.reconnect_window_seconds()) * 1000L;
        List<String> urls = urls(config);
        for (MediaServer server : List.copyOf(servers)) {
            if (!urls.contains(server.url())) {
                servers.remove(server);
                retryDelays.remove(server);
                destroy(server.down("removed from the configuration"));
                MediaServerListener current = listener;
                if (current != null) {
                    current.serverLost(server);
                }
            }
        }
        for (String url : urls) {
            if (servers.stream().noneMatch(server -> server.url().equals(url))) {
                MediaServer server = new MediaServer(url);
                servers.add(server);
                connect(server);
            }
        }
        LOG.info("MEDIA: node {} uses media servers {}", nodeId, urls);
        if (sweeps != null) {
            sweeps.cancel(false);
        }
        long sweep = Math.max(1, config.sweep_seconds());
        sweeps = thread.scheduleWithFixedDelay(this::sweepAll, sweep, sweep, TimeUnit.SECONDS);
    }

    /** A .cfg file gives one string; several URLs come comma-separated. */
    private static List<String> urls(MediaServersConfig config) {
        List<String> urls = new ArrayList<>();
        for (String entry : config.kms_urls()) {
            for (String url : entry == null ? new String[0] : entry.split(",")) {
                if (!url.isBlank() && !urls.contains(url.trim())) {
                    urls.add(url.trim());
                }
            }
        }
        return urls;
    }

    @Deactivate
    public void deactivate() {
        stopped = true;
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (MediaServer server : servers) {
            destroy(server.down("stopped"));
        }
    }

    /**
     * Sets who hears about servers, and what this node still owns (for the sweep of abandoned
     * pipelines). The listener then hears {@code serverAvailable} for every server already up.
     */
    public void listen(MediaServerListener newListener, Predicate<String> ownedPipelines) {
        thread.execute(() -> {
            listener = newListener;
            ownsPipeline = newListener == null ? id -> true : ownedPipelines;
            if (newListener != null) {
                for (MediaServer server : servers) {
                    if (server.isUp()) {
                        newListener.serverAvailable(server);
                    }
                }
            }
        });
    }

    public String nodeId() {
        return nodeId;
    }

    public List<MediaServer> all() {
        return List.copyOf(servers);
    }

    /** The least-loaded server that is up; {@code MEDIA_UNAVAILABLE} when none is. */
    public MediaServer pick() {
        return servers.stream().filter(MediaServer::isUp).min(Comparator.comparingInt(MediaServer::load))
                .orElseThrow(() -> new EdamameException(MediaErrorCode.MEDIA_UNAVAILABLE,
                        "No media server is reachable; try again in a moment"));
    }

    public boolean anyUp() {
        return servers.stream().anyMatch(MediaServer::isUp);
    }

    private void connect(MediaServer server) {
        if (stopped || server.isUp() || !servers.contains(server)) {
            return;
        }
        KurentoClient[] self = new KurentoClient[1];
        try {
            KurentoClient client = new KurentoClientBuilder()
                    .setKmsWsUri(server.url())
                    .setTryReconnectingMaxTime(reconnectWindowMillis)
                    .onReconnecting(() -> onThread(() -> reconnecting(server, self[0])))
                    .onReconnected(sameServer -> onThread(() -> reconnected(server, self[0], sameServer)))
                    .onDisconnected(() -> onThread(() -> disconnected(server, self[0])))
                    .connect();
            self[0] = client;
            server.up(client);
            retryDelays.remove(server);
            LOG.info("MEDIA: connected to {}", server.url());
            sweep(server);
            MediaServerListener current = listener;
            if (current != null) {
                current.serverAvailable(server);
            }
        } catch (RuntimeException e) {
            long delay = retryDelays.merge(server, FIRST_RETRY_MILLIS, (previous, first) -> Math.min(previous * 2, maxRetryMillis));
            String error = rootMessage(e);
            if (!error.equals(server.lastError())) {
                LOG.warn("MEDIA: cannot reach {} ({}); trying again with a backoff up to {} s", server.url(), error,
                        maxRetryMillis / 1000);
            }
            destroy(server.down(error));
            retryLater(server, delay);
        }
    }

    private void reconnecting(MediaServer server, KurentoClient client) {
        if (client != server.client()) {
            return;
        }
        LOG.warn("MEDIA: lost the connection to {}; reconnecting", server.url());
        server.reconnecting();
        MediaServerListener current = listener;
        if (current != null) {
            current.serverInterrupted(server);
        }
    }

    private void reconnected(MediaServer server, KurentoClient client, boolean sameServer) {
        if (client != server.client()) {
            return;
        }
        MediaServerListener current = listener;
        if (sameServer) {
            LOG.info("MEDIA: reconnected to {}, nothing lost", server.url());
            server.resumed();
            if (current != null) {
                current.serverResumed(server);
            }
            return;
        }
        LOG.warn("MEDIA: {} restarted; its pipelines are gone and are rebuilt", server.url());
        server.renewed();
        if (current != null) {
            current.serverLost(server);
            current.serverAvailable(server);
        }
    }

    private void disconnected(MediaServer server, KurentoClient client) {
        if (client != server.client() || stopped) {
            return;
        }
        LOG.warn("MEDIA: {} is unreachable; its rooms move to another server, or wait for it", server.url());
        destroy(server.down("unreachable"));
        MediaServerListener current = listener;
        if (current != null) {
            current.serverLost(server);
        }
        retryDelays.put(server, FIRST_RETRY_MILLIS);
        retryLater(server, FIRST_RETRY_MILLIS);
    }

    private void retryLater(MediaServer server, long delayMillis) {
        if (!stopped) {
            thread.schedule(() -> connect(server), delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void onThread(Runnable task) {
        if (!stopped) {
            thread.execute(task);
        }
    }

    private void sweepAll() {
        for (MediaServer server : servers) {
            if (server.isUp()) {
                sweep(server);
            }
        }
    }

    /** Releases the pipelines tagged with this node's id that no room of this node owns. */
    private void sweep(MediaServer server) {
        KurentoClient client = server.client();
        if (client == null) {
            return;
        }
        try {
            for (MediaPipeline pipeline : client.getServerManager().getPipelines()) {
                if (nodeId.equals(tag(pipeline, NODE_TAG)) && !ownsPipeline.test(pipeline.getId())) {
                    LOG.info("MEDIA: releasing abandoned pipeline {} of room {} on {}", pipeline.getId(),
                            tag(pipeline, ROOM_TAG), server.url());
                    pipeline.release();
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("MEDIA: sweeping {} failed: {}", server.url(), e.toString());
        }
    }

    private static String tag(MediaPipeline pipeline, String key) {
        for (Tag tag : pipeline.getTags()) {
            if (key.equals(tag.getKey())) {
                return tag.getValue();
            }
        }
        return null;
    }

    private static void destroy(KurentoClient client) {
        if (client != null) {
            try {
                client.destroy();
            } catch (RuntimeException e) {
                LOG.debug("MEDIA: closing a client failed: {}", e.toString());
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** An id for this node that survives restarts, so that it finds its own abandoned pipelines. */
    private static String storedNodeId() {
        String data = System.getProperty("karaf.data");
        if (data == null) {
            return UUID.randomUUID().toString();
        }
        Path file = Path.of(data, "edamame", "media-node-id");
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            Files.createDirectories(file.getParent());
            String id = UUID.randomUUID().toString();
            Files.writeString(file, id, StandardCharsets.UTF_8);
            return id;
        } catch (IOException e) {
            LOG.warn("MEDIA: cannot keep the node id in {} ({}); abandoned pipelines of an earlier run stay "
                    + "until the media server restarts", file, e.toString());
            return UUID.randomUUID().toString();
        }
    }
}
