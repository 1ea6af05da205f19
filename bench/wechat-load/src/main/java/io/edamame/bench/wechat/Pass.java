package io.edamame.bench.wechat;

import io.edamame.bench.support.Percentiles;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

/**
 * The logins of one pass: {@code n} requests, each with a one-time code of its own, all expected to answer 200 with a
 * token and {@code newUser} as {@code expectNew} says (a returning login expects {@code newUser: false}, unless the
 * user's first login failed: then this one creates the user). The requests are built before the pass starts, so that the
 * timed path is only sending. Each login's times are kept (due on the schedule, sent, answered) and its failure, if
 * any, as {@code <status> <code>} ({@code 401 INVALID_WECHAT_CODE}), {@code TIMEOUT} or {@code io:<what>}.
 */
final class Pass {

    final String name;
    final boolean[] expectNew;
    final int n;
    /** The requests as written on the wire ({@link LoginClient#request}). */
    final byte[][] requests;
    final long[] due;
    final long[] sent;
    final long[] answered;
    final String[] failure;
    final CountDownLatch settled;

    /** Codes {@code codePrefix + i}, as registered with the fake. */
    Pass(String name, boolean[] expectNew, URI url, String codePrefix) {
        this.name = name;
        this.expectNew = expectNew;
        this.n = expectNew.length;
        this.requests = new byte[n][];
        for (int i = 0; i < n; i++) {
            requests[i] = LoginClient.request(url, "{\"code\":\"" + codePrefix + i + "\"}");
        }
        this.due = new long[n];
        this.sent = new long[n];
        this.answered = new long[n];
        this.failure = new String[n];
        this.settled = new CountDownLatch(n);
    }

    /**
     * Records login {@code i}'s answer at {@code nanos}: a status and body, or an {@code error} of the connection.
     * Called once per login, from any thread.
     */
    void settle(int i, int status, byte[] body, String error, long nanos) {
        answered[i] = nanos;
        failure[i] = classify(status, body, error, expectNew[i]);
        settled.countDown();
    }

    /** Null for a good login, else what went wrong (see the class comment). */
    static String classify(int status, byte[] answer, String error, boolean expectNew) {
        if (error != null) {
            return error.equals("TIMEOUT") ? error : "io:" + error;
        }
        // Latin-1 keeps one char per byte: enough to find ASCII keys without decoding UTF-8.
        String body = new String(answer, StandardCharsets.ISO_8859_1);
        if (status != 200) {
            String code = stringField(body, "code");
            return status + (code == null ? "" : " " + code);
        }
        if (stringField(body, "token") == null) {
            return "200 without token";
        }
        boolean isNew = body.contains("\"newUser\":true");
        if (!isNew && !body.contains("\"newUser\":false")) {
            return "200 without newUser";
        }
        if (isNew != expectNew) {
            return "200 newUser=" + isNew + " (expected " + expectNew + ")";
        }
        return null;
    }

    /** The value of {@code "name":"value"} in compact JSON, or null. */
    static String stringField(String json, String name) {
        String key = "\"" + name + "\":\"";
        int at = json.indexOf(key);
        if (at < 0) {
            return null;
        }
        int from = at + key.length();
        int to = json.indexOf('"', from);
        return to < 0 ? null : json.substring(from, to);
    }

    /** Whether login {@code i} succeeded (answered 200 as expected). */
    boolean ok(int i) {
        return answered[i] != 0 && failure[i] == null;
    }

    /** The figures of the pass, once settled; {@code open} says whether due times were set by a schedule. */
    Outcome outcome(boolean open) {
        return Outcome.of(new Pass[] {this}, open);
    }

    /**
     * Figures over one or more passes. {@code latency}: from sending the request to its answer (what a mini-program
     * sees, on loopback). {@code dueToAnswer}: from when the schedule said to send it (open loop; the closed loop's due
     * time is its send time), so that a tool or server falling behind shows. Only successful logins count in the
     * latencies; the others count as failures by kind. {@code seconds}: from the first due time to the last answer.
     */
    record Outcome(int logins, int ok, Map<String, Long> failures, Percentiles latency, Percentiles dueToAnswer,
                   double seconds, double loginsPerSecond, long maxStartLagNanos) {

        static Outcome of(Pass[] passes, boolean open) {
            int n = 0;
            for (Pass p : passes) {
                n += p.n;
            }
            long[] latency = new long[n];
            long[] dueToAnswer = new long[n];
            Map<String, Long> failures = new TreeMap<>();
            int ok = 0;
            double seconds = 0;
            long maxLag = 0;
            for (Pass p : passes) {
                long first = Long.MAX_VALUE;
                long last = Long.MIN_VALUE;
                for (int i = 0; i < p.n; i++) {
                    long due = open ? p.due[i] : p.sent[i];
                    if (p.sent[i] != 0) {
                        first = Math.min(first, due);
                        maxLag = Math.max(maxLag, p.sent[i] - due);
                    }
                    if (p.answered[i] == 0 || p.failure[i] != null) {
                        failures.merge(p.failure[i] == null ? (p.sent[i] == 0 ? "not sent" : "unanswered") : p.failure[i],
                                1L, Long::sum);
                        continue;
                    }
                    latency[ok] = p.answered[i] - p.sent[i];
                    dueToAnswer[ok] = p.answered[i] - due;
                    last = Math.max(last, p.answered[i]);
                    ok++;
                }
                if (last > first) {
                    seconds += (last - first) / 1e9;
                }
            }
            return new Outcome(n, ok, failures, Percentiles.of(latency, ok), Percentiles.of(dueToAnswer, ok), seconds,
                    seconds > 0 ? ok / seconds : 0, maxLag);
        }

        int failed() {
            return logins - ok;
        }

        /** {@code 401_INVALID_WECHAT_CODEx3,TIMEOUTx1}; "none" if none. */
        String failureCodes() {
            if (failures.isEmpty()) {
                return "none";
            }
            StringBuilder out = new StringBuilder();
            failures.forEach((code, k) -> out.append(out.length() == 0 ? "" : ",")
                    .append(code.replace(' ', '_').replace(',', ';').replace('=', ':')).append('x').append(k));
            return out.toString();
        }
    }
}
