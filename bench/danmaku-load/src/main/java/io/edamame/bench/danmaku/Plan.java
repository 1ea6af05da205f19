package io.edamame.bench.danmaku;

/**
 * The publishing schedule and its windows. Message {@code k} is due at {@code t0 + k / rate} seconds,
 * whenever it is actually sent, so a sender that falls behind shows up as latency (no coordinated
 * omission). Window 0 is the warm-up; windows 1..runs are the measured runs, back to back. A message
 * belongs to the window its intended send time falls in.
 */
record Plan(double rate, int warmupSeconds, int seconds, int runs) {

    Plan {
        if (!(rate > 0) || warmupSeconds < 0 || seconds <= 0 || runs <= 0) {
            throw new IllegalArgumentException("rate and seconds must be positive, runs at least 1, warm-up 0 or more");
        }
    }

    int windows() {
        return runs + 1;
    }

    /** Start of window {@code w} in seconds after t0. */
    long windowStartSeconds(int w) {
        return w == 0 ? 0 : warmupSeconds + (long) (w - 1) * seconds;
    }

    long windowEndSeconds(int w) {
        return windowStartSeconds(w + 1);
    }

    /** The first message of window {@code w}: the smallest k with k / rate >= the window's start. */
    int firstMessage(int w) {
        return (int) Math.ceil(windowStartSeconds(w) * rate - 1e-9);
    }

    /** Messages in the whole schedule: those due before the end of the last run. */
    int messages() {
        return firstMessage(windows());
    }

    long intendedNanos(long k) {
        return (long) (k * 1e9 / rate);
    }

    /** Lookup table from message to window, for the per-delivery path. */
    int[] firstMessages() {
        int[] firsts = new int[windows() + 1];
        for (int w = 0; w <= windows(); w++) {
            firsts[w] = firstMessage(w);
        }
        return firsts;
    }
}
