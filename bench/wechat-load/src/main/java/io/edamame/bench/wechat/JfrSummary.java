package io.edamame.bench.wechat;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JFR recording's CPU samples ({@code jdk.ExecutionSample}: threads running Java code) are, in four views:
 * by thread (names without their numbers), by library (the first frame from the top that is not the JDK's, so that a
 * {@code HashMap.get} counts for whoever called it), by top frame (self), and by method anywhere in the stack
 * (inclusive, once per sample), the last also for the platform's and WxJava's own methods alone. Threads in native
 * code or blocked are not sampled by {@code jdk.ExecutionSample}; the count of {@code jdk.NativeMethodSample} is
 * printed beside it. Then monitor contention ({@code jdk.JavaMonitorEnter}, waits over the recording's threshold):
 * the time threads waited by the monitor's class, with the first frames outside the JDK that waited; and the garbage
 * collections' pauses.
 *
 * <p>Usage: {@code java -cp wechat-load.jar io.edamame.bench.wechat.JfrSummary recording.jfr [top N]}.
 */
public final class JfrSummary {

    /** Libraries by package prefix; the first match wins, so the longer prefixes come first. */
    private static final Map<String, String> LIBRARIES = new LinkedHashMap<>();

    static {
        LIBRARIES.put("io.edamame.wechat.", "Edamame wechat");
        LIBRARIES.put("io.edamame.core.", "Edamame core");
        LIBRARIES.put("io.edamame.", "Edamame (other)");
        LIBRARIES.put("org.hibernate.validator.", "Hibernate Validator");
        LIBRARIES.put("org.hibernate.", "Hibernate ORM");
        LIBRARIES.put("org.h2.", "H2");
        LIBRARIES.put("org.apache.commons.dbcp2.", "DBCP 2");
        LIBRARIES.put("org.apache.commons.pool2.", "DBCP 2");
        LIBRARIES.put("org.apache.aries.jpa.", "Aries JPA / transactions");
        LIBRARIES.put("org.apache.aries.transaction.", "Aries JPA / transactions");
        LIBRARIES.put("org.apache.geronimo.", "Aries JPA / transactions");
        LIBRARIES.put("org.apache.cxf.", "CXF");
        LIBRARIES.put("org.eclipse.jetty.", "Jetty");
        LIBRARIES.put("org.ops4j.pax.web.", "Pax Web");
        LIBRARIES.put("org.ops4j.pax.logging.", "Pax Logging");
        LIBRARIES.put("com.fasterxml.jackson.", "Jackson");
        LIBRARIES.put("org.apache.http.", "Apache HttpClient (calls to WeChat)");
        LIBRARIES.put("me.chanjar.weixin.", "WxJava");
        LIBRARIES.put("cn.binarywang.", "WxJava");
        LIBRARIES.put("com.google.gson.", "Gson (WxJava)");
        LIBRARIES.put("com.nimbusds.", "Nimbus JOSE (tokens)");
        LIBRARIES.put("org.bouncycastle.", "Bouncy Castle");
        LIBRARIES.put("org.apache.felix.", "OSGi (Felix, SCR)");
        LIBRARIES.put("org.osgi.", "OSGi (Felix, SCR)");
        LIBRARIES.put("org.apache.karaf.", "Karaf");
        LIBRARIES.put("org.slf4j.", "logging");
        LIBRARIES.put("org.apache.logging.", "logging");
        LIBRARIES.put("liquibase.", "Liquibase");
    }

    private static final List<String> JDK = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.");

    private JfrSummary() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("Usage: java -cp wechat-load.jar io.edamame.bench.wechat.JfrSummary recording.jfr [top N]");
            System.exit(2);
        }
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        summarise(Path.of(args[0]), top, System.out);
    }

    static void summarise(Path file, int top, PrintStream out) throws IOException {
        Map<String, Long> threads = new HashMap<>();
        Map<String, Long> libraries = new HashMap<>();
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> inclusive = new HashMap<>();
        long samples = 0;
        long nativeSamples = 0;
        Map<String, Long> blockedNanos = new HashMap<>();
        Map<String, Map<String, Long>> blockedWhere = new HashMap<>();
        long monitorEvents = 0;
        long gcs = 0;
        long gcPauseNanos = 0;
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                String type = event.getEventType().getName();
                if (type.equals("jdk.NativeMethodSample")) {
                    nativeSamples++;
                    continue;
                }
                if (type.equals("jdk.GarbageCollection")) {
                    gcs++;
                    gcPauseNanos += event.getDuration("sumOfPauses").toNanos();
                    continue;
                }
                if (type.equals("jdk.JavaMonitorEnter")) {
                    monitorEvents++;
                    String monitor = event.getClass("monitorClass") == null ? "?" : event.getClass("monitorClass").getName();
                    blockedNanos.merge(monitor, event.getDuration().toNanos(), Long::sum);
                    String where = event.getStackTrace() == null ? "?" : outsideJdk(event.getStackTrace().getFrames(), 3);
                    blockedWhere.computeIfAbsent(monitor, m -> new HashMap<>()).merge(where, 1L, Long::sum);
                    continue;
                }
                if (!type.equals("jdk.ExecutionSample")) {
                    continue;
                }
                RecordedStackTrace stack = event.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                samples++;
                RecordedThread thread = event.getThread("sampledThread");
                threads.merge(thread == null ? "?" : threadGroup(thread.getJavaName()), 1L, Long::sum);
                List<RecordedFrame> frames = stack.getFrames();
                self.merge(name(frames.get(0).getMethod()), 1L, Long::sum);
                libraries.merge(library(frames), 1L, Long::sum);
                Set<String> seen = new HashSet<>();
                for (RecordedFrame frame : frames) {
                    String method = name(frame.getMethod());
                    if (seen.add(method)) {
                        inclusive.merge(method, 1L, Long::sum);
                    }
                }
            }
        }
        out.printf(Locale.ROOT, "JFR %s: %d execution samples (threads running Java), %d native method samples%n", file,
                samples, nativeSamples);
        print(out, "by thread", threads, samples, top);
        print(out, "by library (the first frame from the top outside the JDK; 'JDK' if none)", libraries, samples, top);
        print(out, "self (top frame)", self, samples, top);
        print(out, "inclusive (anywhere in the stack)", inclusive, samples, top * 2);
        Map<String, Long> own = new HashMap<>();
        inclusive.forEach((method, n) -> {
            if (method.startsWith("io.edamame.") || method.startsWith("me.chanjar.") || method.startsWith("cn.binarywang.")) {
                own.put(method, n);
            }
        });
        print(out, "inclusive, Edamame's and WxJava's methods", own, samples, top * 2);
        out.printf(Locale.ROOT, "-- monitor contention: %d waits over the threshold, %.1f thread-seconds in all, by monitor"
                + " (waits, where: the first frames outside the JDK):%n", monitorEvents,
                blockedNanos.values().stream().mapToLong(Long::longValue).sum() / 1e9);
        List<Map.Entry<String, Long>> monitors = new ArrayList<>(blockedNanos.entrySet());
        monitors.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        for (Map.Entry<String, Long> m : monitors.subList(0, Math.min(8, monitors.size()))) {
            out.printf(Locale.ROOT, "  %7.1f s  %s%n", m.getValue() / 1e9, m.getKey());
            List<Map.Entry<String, Long>> where = new ArrayList<>(blockedWhere.get(m.getKey()).entrySet());
            where.sort(Map.Entry.<String, Long>comparingByValue().reversed());
            for (Map.Entry<String, Long> w : where.subList(0, Math.min(2, where.size()))) {
                out.printf(Locale.ROOT, "      %6d  %s%n", w.getValue(), w.getKey());
            }
        }
        out.printf(Locale.ROOT, "-- garbage collections: %d, pauses %.2f s in all%n", gcs, gcPauseNanos / 1e9);
    }

    /** The first {@code n} frames from the top outside the JDK, innermost first. */
    static String outsideJdk(List<RecordedFrame> frames, int n) {
        List<String> names = new ArrayList<>();
        for (RecordedFrame frame : frames) {
            if (frame.getMethod() == null || JDK.stream().anyMatch(frame.getMethod().getType().getName()::startsWith)) {
                continue;
            }
            names.add(name(frame.getMethod()));
            if (names.size() == n) {
                break;
            }
        }
        return names.isEmpty() ? "JDK" : String.join(" <- ", names);
    }

    private static void print(PrintStream out, String title, Map<String, Long> counts, long total, int top) {
        out.println("-- " + title + ":");
        List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
        entries.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        for (Map.Entry<String, Long> e : entries.subList(0, Math.min(top, entries.size()))) {
            out.printf(Locale.ROOT, "  %5.1f%%  %7d  %s%n", 100.0 * e.getValue() / Math.max(1, total), e.getValue(),
                    e.getKey());
        }
    }

    static String threadGroup(String name) {
        return name == null ? "?" : name.replaceAll("[0-9]+", "N");
    }

    private static String name(RecordedMethod method) {
        return method == null ? "?" : method.getType().getName() + "." + method.getName();
    }

    static String library(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            if (frame.getMethod() == null) {
                continue;
            }
            String type = frame.getMethod().getType().getName();
            if (JDK.stream().anyMatch(type::startsWith)) {
                continue;
            }
            return library(type);
        }
        return "JDK";
    }

    static String library(String className) {
        for (Map.Entry<String, String> e : LIBRARIES.entrySet()) {
            if (className.startsWith(e.getKey())) {
                return e.getValue();
            }
        }
        String[] parts = className.split("\\.");
        return parts.length >= 3 ? parts[0] + "." + parts[1] + "." + parts[2] : className;
    }
}
