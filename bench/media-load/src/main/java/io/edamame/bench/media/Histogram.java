package io.edamame.bench.media;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A class histogram of the server's live heap, taken with {@code jcmd <pid> GC.run} then {@code
 * GC.class_histogram} (which runs a full GC itself and counts live objects only), as bench/danmaku.sh
 * does: its total, and bytes per class for finding what a participant costs.
 */
record Histogram(long totalBytes, Map<String, Long> bytesByClass) {

    /** One class's growth between two histograms, per participant. */
    record Growth(String className, double bytesPerParticipant) {
    }

    /** Takes a histogram of process {@code pid}; {@code jcmd} must run as the same user. */
    static Histogram take(String jcmd, String pid) throws IOException, InterruptedException {
        run(jcmd, pid, "GC.run");
        return parse(run(jcmd, pid, "GC.class_histogram"));
    }

    private static String run(String jcmd, String pid, String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(jcmd, pid, command).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = process.getInputStream()) {
            in.transferTo(out);
        }
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(jcmd + " " + pid + " " + command + " failed: " + out.toString(StandardCharsets.UTF_8));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Parses {@code jcmd GC.class_histogram}'s output (JDK 17: {@code "  1:  instances  bytes  class (module)"}, then {@code Total}). */
    static Histogram parse(String output) {
        long total = -1;
        Map<String, Long> bytes = new HashMap<>();
        for (String line : output.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && f[0].equals("Total")) {
                total = Long.parseLong(f[2]);
            } else if (f.length >= 4 && f[0].endsWith(":") && isDigits(f[0].substring(0, f[0].length() - 1))
                    && isDigits(f[1]) && isDigits(f[2])) {
                // A class may appear twice (two class loaders, as in OSGi): add them up.
                bytes.merge(f[3], Long.parseLong(f[2]), Long::sum);
            }
        }
        if (total < 0) {
            throw new IllegalArgumentException("Not a class histogram (no Total line): "
                    + output.substring(0, Math.min(200, output.length())));
        }
        return new Histogram(total, bytes);
    }

    private static boolean isDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The classes that grew most from {@code before} to this one, per participant, largest first. */
    List<Growth> largestGrowth(Histogram before, int participants, int limit) {
        Set<String> classes = new HashSet<>(bytesByClass.keySet());
        classes.addAll(before.bytesByClass.keySet());
        List<Growth> growth = new ArrayList<>();
        for (String c : classes) {
            long d = bytesByClass.getOrDefault(c, 0L) - before.bytesByClass.getOrDefault(c, 0L);
            growth.add(new Growth(c, (double) d / participants));
        }
        growth.sort(Comparator.comparingDouble(Growth::bytesPerParticipant).reversed());
        return growth.subList(0, Math.min(limit, growth.size()));
    }

    static String describe(List<Growth> growth) {
        StringBuilder out = new StringBuilder();
        for (Growth g : growth) {
            out.append(String.format(Locale.ROOT, "%n  %8.0f B  %s", g.bytesPerParticipant(), g.className()));
        }
        return out.toString();
    }
}
