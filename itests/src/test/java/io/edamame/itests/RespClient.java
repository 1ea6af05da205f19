package io.edamame.itests;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Just enough of the Redis protocol (RESP 2) over a socket to act as another node on the bus: PING,
 * PUBLISH, and SUBSCRIBE with the messages collected in a queue. Test code only; the product's client is
 * Lettuce, inside the redis bundle.
 */
final class RespClient implements Closeable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private Thread reader;

    private RespClient(String host, int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), 2_000);
        socket.setSoTimeout(5_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    static RespClient connect(String host, int port) throws IOException {
        return new RespClient(host, port);
    }

    /** Null when Redis answered PING, else what went wrong. */
    static String ping(String host, int port) {
        try (RespClient client = new RespClient(host, port)) {
            Object answer = client.command("PING");
            return "PONG".equals(answer) ? null : "answered " + answer;
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** {@code PUBLISH}: the number of subscribers that got it. */
    long publish(String channel, String message) throws IOException {
        return (Long) command("PUBLISH", channel, message);
    }

    /**
     * {@code SUBSCRIBE}, returning once Redis confirmed it; from then on the connection only receives, and
     * every message of the channel lands in {@link #poll}'s queue.
     */
    void subscribe(String channel) throws IOException {
        Object confirmation = command("SUBSCRIBE", channel);
        if (!(confirmation instanceof List<?> list) || !"subscribe".equals(list.get(0))) {
            throw new IOException("SUBSCRIBE answered " + confirmation);
        }
        reader = new Thread(() -> {
            try {
                socket.setSoTimeout(0);
                while (!socket.isClosed()) {
                    if (read() instanceof List<?> push && push.size() == 3 && "message".equals(push.get(0))) {
                        messages.add((String) push.get(2));
                    }
                }
            } catch (IOException e) {
                // Closed by close(), or Redis went away: no more messages.
            }
        }, "itest-redis-subscriber");
        reader.setDaemon(true);
        reader.start();
    }

    /** The next message of the subscribed channel, or null if none came within {@code millis}. */
    String poll(long millis) throws InterruptedException {
        return messages.poll(millis, TimeUnit.MILLISECONDS);
    }

    private Object command(String... args) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            request.writeBytes(bytes);
            request.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write(request.toByteArray());
        out.flush();
        try {
            return read();
        } catch (SocketTimeoutException e) {
            throw new IOException("Redis did not answer " + args[0], e);
        }
    }

    /** One reply: a String (simple or bulk), Long, null, or a List of these. */
    private Object read() throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("Redis closed the connection");
        }
        String line = line();
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new IOException("Redis error: " + line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(length);
                line();
                return new String(bytes, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                List<Object> list = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    list.add(read());
                }
                return list;
            }
            default:
                throw new IOException("Unknown RESP type '" + (char) type + "'");
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\r') {
            if (b < 0) {
                throw new EOFException("Redis closed the connection");
            }
            line.write(b);
        }
        if (in.read() != '\n') {
            throw new IOException("RESP line without LF");
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
