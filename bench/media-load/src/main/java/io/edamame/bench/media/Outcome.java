package io.edamame.bench.media;

import io.edamame.bench.support.Percentiles;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of one run, computed from its viewers' timestamps once the run has settled.
 *
 * <ul>
 *   <li>{@code connect}: from when the viewer was started to the WebSocket being open (the handshake).</li>
 *   <li>{@code join}: from sending {@code join} to its answer.</li>
 *   <li>{@code subscribe}: from sending {@code subscribe} to its SDP answer.</li>
 *   <li>{@code joinToAnswer}: from sending {@code join} to the SDP answer of {@code subscribe}: the
 *       platform's time that the benchmark's issue names, end to end on loopback.</li>
 *   <li>{@code dueToAnswer}: from when the viewer was due (the open-loop schedule) to that SDP answer:
 *       everything, including a late start and the handshake, so that nothing hides behind the schedule.</li>
 * </ul>
 *
 * <p>Only viewers that subscribed count in the latencies; the others count as failures, by stage and code.
 */
record Outcome(int viewers, int subscribed, Map<String, Long> failures, Percentiles connect, Percentiles join,
               Percentiles subscribe, Percentiles joinToAnswer, Percentiles dueToAnswer, double seconds,
               double joinsPerSecond, long maxStartLagNanos, List<Slice> slices) {

    /**
     * One tenth of the viewers in the order they were started, i.e. by the room's size when they
     * joined: their joins per second (by when they were answered) and their join-to-answer latency.
     */
    record Slice(int from, int to, int subscribed, double joinsPerSecond, long joinToAnswerP50, long joinToAnswerP99) {
    }

    static Outcome of(Viewer[] viewers) {
        int n = 0;
        for (Viewer v : viewers) {
            if (v != null) {
                n++;
            }
        }
        long[][] lat = new long[5][n];
        int ok = 0;
        Map<String, Long> failures = new TreeMap<>();
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long maxLag = 0;
        for (Viewer v : viewers) {
            if (v == null) {
                continue;
            }
            first = Math.min(first, v.dueNanos);
            maxLag = Math.max(maxLag, v.startNanos - v.dueNanos);
            if (!v.subscribed()) {
                failures.merge(v.failure == null ? "unsettled" : v.failure, 1L, Long::sum);
                continue;
            }
            lat[0][ok] = v.openNanos - v.startNanos;
            lat[1][ok] = v.joinAnswerNanos - v.joinSentNanos;
            lat[2][ok] = v.subscribeAnswerNanos - v.subscribeSentNanos;
            lat[3][ok] = v.subscribeAnswerNanos - v.joinSentNanos;
            lat[4][ok] = v.subscribeAnswerNanos - v.dueNanos;
            last = Math.max(last, v.subscribeAnswerNanos);
            ok++;
        }
        double seconds = ok == 0 ? 0 : (last - first) / 1e9;
        List<Slice> slices = slices(viewers);
        return new Outcome(n, ok, failures, Percentiles.of(lat[0], ok), Percentiles.of(lat[1], ok),
                Percentiles.of(lat[2], ok), Percentiles.of(lat[3], ok), Percentiles.of(lat[4], ok), seconds,
                seconds > 0 ? ok / seconds : 0, maxLag, slices);
    }

    private static List<Slice> slices(Viewer[] viewers) {
        List<Slice> slices = new ArrayList<>();
        int n = viewers.length;
        if (n < 10) {
            return slices;
        }
        for (int s = 0; s < 10; s++) {
            int from = s * n / 10;
            int to = (s + 1) * n / 10;
            long[] answers = new long[to - from];
            long[] joinToAnswer = new long[to - from];
            int ok = 0;
            for (int i = from; i < to; i++) {
                Viewer v = viewers[i];
                if (v != null && v.subscribed()) {
                    answers[ok] = v.subscribeAnswerNanos;
                    joinToAnswer[ok] = v.subscribeAnswerNanos - v.joinSentNanos;
                    ok++;
                }
            }
            Arrays.sort(answers, 0, ok);
            // Answers per second within the slice: (k - 1) intervals between its first and last answer.
            double rate = ok > 1 && answers[ok - 1] > answers[0] ? (ok - 1) / ((answers[ok - 1] - answers[0]) / 1e9) : 0;
            Percentiles p = Percentiles.of(joinToAnswer, ok);
            slices.add(new Slice(from, to, ok, rate, p.p50(), p.p99()));
        }
        return slices;
    }

    int failed() {
        return viewers - subscribed;
    }

    /** {@code subscribe:MEDIA_UNAVAILABLE:3,join:closed 4404:1}; "none" if none. */
    String failureCodes() {
        if (failures.isEmpty()) {
            return "none";
        }
        StringBuilder out = new StringBuilder();
        failures.forEach((code, n) -> out.append(out.length() == 0 ? "" : ",")
                .append(code.replace(' ', '_').replace(',', ';')).append('x').append(n));
        return out.toString();
    }

    String describeSlices() {
        StringBuilder out = new StringBuilder();
        for (Slice s : slices) {
            out.append(String.format(Locale.ROOT, "%n  viewers %5d-%-5d %5d subscribed, %7.1f answers/s,"
                            + " join→answer p50 %7.2f ms, p99 %7.2f ms", s.from() + 1, s.to(), s.subscribed(),
                    s.joinsPerSecond(), Percentiles.ms(s.joinToAnswerP50()), Percentiles.ms(s.joinToAnswerP99())));
        }
        return out.toString();
    }
}
