package io.edamame.itests;

import java.net.http.WebSocket;
import java.util.concurrent.CompletionStage;

/**
 * A {@code java.net.http} WebSocket listener for the tests' clients: it joins the fragments of each
 * text message, asks for the next one, and hands whole messages and the end of the socket to a
 * {@link Receiver}.
 */
final class TextMessages implements WebSocket.Listener {

    interface Receiver {
        /** A whole text message, on the socket's thread. */
        void message(String text);

        /** The server closed the socket; the stage answered says when to send the close reply (null: at once). */
        default CompletionStage<?> closed(int statusCode, String reason) {
            return null;
        }

        /** The socket failed: lost, or refused. */
        void failed(Throwable error);
    }

    private final Receiver receiver;
    private final StringBuilder partial = new StringBuilder();

    TextMessages(Receiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            receiver.message(text);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        return receiver.closed(statusCode, reason);
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        receiver.failed(error);
    }
}
