package io.edamame.bench.danmaku;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Command-line options; see {@link #USAGE}. */
final class Options {

    static final String USAGE = """
            Usage: java -jar danmaku-load.jar --url ws://HOST:PORT/ws/danmaku/TENANT/ROOM [options]
              --viewers N          viewer connections (default 10000)
              --connect-rate N     viewers opened per second (default 500), at most --max-connecting at once (default 500)
              --viewer-token T     token the viewers send (default none: anonymous, for PUBLIC rooms)
              --tokens FILE        publishers' tokens, one a line: one publisher per token (not needed with --idle)
              --rate M             danmaku per second, all publishers together (default 100)
              --warmup S           seconds of load before the measured runs (default 30)
              --seconds S          seconds per measured run (default 30)
              --runs R             measured runs, back to back (default 3)
              --drain S            seconds to wait for late deliveries after the last message is due (default 3)
              --idle               open the viewers, print READY, hold them until killed or --hold seconds (default 600)
              --server-pid PID     the server's JVM, for its CPU seconds from /proc
              --clk-tck N          clock ticks per second of /proc (getconf CLK_TCK; default 100)
              --client netty|jdk   viewers' WebSocket client (default netty; jdk: java.net.http, to compare their cost)
              --threads N          I/O threads (default 2)
              --tag TAG            prefix of the danmaku texts, [a-z0-9] (default random)
            Prints a report and one line per measured run starting with RESULT.""";

    URI url;
    int viewers = 10_000;
    double connectRate = 500;
    int maxConnecting = 500;
    String viewerToken;
    List<String> tokens = List.of();
    double rate = 100;
    int warmup = 30;
    int seconds = 30;
    int runs = 3;
    int drain = 3;
    boolean idle;
    int hold = 600;
    String serverPid;
    long clkTck = 100;
    String client = "netty";
    int threads = 2;
    String tag = randomTag();
    boolean help;

    static Options parse(String... args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            switch (name) {
                case "--idle" -> o.idle = true;
                case "--help", "-h" -> o.help = true;
                default -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(name + " needs a value");
                    }
                    o.set(name, args[++i]);
                }
            }
        }
        if (o.help) {
            return o;
        }
        if (o.url == null || !"ws".equals(o.url.getScheme())) {
            throw new IllegalArgumentException("--url ws://... is required");
        }
        if (!o.idle && o.tokens.isEmpty()) {
            throw new IllegalArgumentException("--tokens FILE with at least one token is required unless --idle");
        }
        if (!List.of("netty", "jdk").contains(o.client)) {
            throw new IllegalArgumentException("--client is netty or jdk");
        }
        if (o.viewers < 0 || !(o.connectRate > 0) || o.maxConnecting < 1 || o.threads < 1 || o.drain < 0) {
            throw new IllegalArgumentException("counts and rates must be positive");
        }
        new ItemScanner(o.tag);
        if (!o.idle) {
            new Plan(o.rate, o.warmup, o.seconds, o.runs);
        }
        return o;
    }

    private void set(String name, String value) {
        try {
            switch (name) {
                case "--url" -> url = URI.create(value);
                case "--viewers" -> viewers = Integer.parseInt(value);
                case "--connect-rate" -> connectRate = Double.parseDouble(value);
                case "--max-connecting" -> maxConnecting = Integer.parseInt(value);
                case "--viewer-token" -> viewerToken = value;
                case "--tokens" -> tokens = readTokens(Path.of(value));
                case "--rate" -> rate = Double.parseDouble(value);
                case "--warmup" -> warmup = Integer.parseInt(value);
                case "--seconds" -> seconds = Integer.parseInt(value);
                case "--runs" -> runs = Integer.parseInt(value);
                case "--drain" -> drain = Integer.parseInt(value);
                case "--hold" -> hold = Integer.parseInt(value);
                case "--server-pid" -> serverPid = value;
                case "--clk-tck" -> clkTck = Long.parseLong(value);
                case "--client" -> client = value;
                case "--threads" -> threads = Integer.parseInt(value);
                case "--tag" -> tag = value;
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": not a number: " + value);
        }
    }

    private static List<String> readTokens(Path file) {
        try {
            List<String> tokens = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    tokens.add(line.trim());
                }
            }
            return List.copyOf(tokens);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read --tokens " + file, e);
        }
    }

    private static String randomTag() {
        StringBuilder tag = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            tag.append(Character.forDigit(ThreadLocalRandom.current().nextInt(36), 36));
        }
        return tag.toString();
    }
}
