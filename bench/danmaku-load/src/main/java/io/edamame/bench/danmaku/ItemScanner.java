package io.edamame.bench.danmaku;

import java.nio.charset.StandardCharsets;

/**
 * Finds this run's danmaku in a batch frame without parsing it: the publishers send texts
 * {@code <tag>.<k>}, so each item carries {@code "text":"<tag>.<k>"}. A viewer receives about
 * 20 frames a second, 10,000 viewers 200,000, on a machine the server shares: a JSON parse per frame
 * would cost the tool more than the server spends writing them.
 *
 * <p>The sequence cannot appear inside another string of the frame: a JSON string escapes its quotes.
 * Search is Boyer–Moore–Horspool, so most of a frame's bytes are skipped, not read.
 */
final class ItemScanner {

    private final byte[] needle;
    private final int[] skip = new int[256];

    ItemScanner(String tag) {
        if (!tag.matches("[a-z0-9]{1,16}")) {
            throw new IllegalArgumentException("tag must be 1 to 16 of [a-z0-9]: " + tag);
        }
        needle = ("\"text\":\"" + tag + ".").getBytes(StandardCharsets.US_ASCII);
        java.util.Arrays.fill(skip, needle.length);
        for (int i = 0; i < needle.length - 1; i++) {
            skip[needle[i] & 0xff] = needle.length - 1 - i;
        }
    }

    /** The text the publisher sends as message {@code k}. */
    static String text(String tag, long k) {
        return tag + "." + k;
    }

    /**
     * Writes the message numbers found in {@code buf[from, to)} into {@code out}, in order, and returns
     * how many; stops early if {@code out} is full. A match not followed by digits and a quote is not
     * counted (someone else's text that starts with the tag).
     */
    int scan(byte[] buf, int from, int to, int[] out) {
        int found = 0;
        int last = needle.length - 1;
        int i = from;
        while (i + last < to && found < out.length) {
            int j = last;
            while (j >= 0 && buf[i + j] == needle[j]) {
                j--;
            }
            if (j >= 0) {
                i += skip[buf[i + last] & 0xff];
                continue;
            }
            int p = i + needle.length;
            long k = 0;
            int digits = 0;
            while (p < to && digits < 10 && buf[p] >= '0' && buf[p] <= '9') {
                k = k * 10 + (buf[p] - '0');
                p++;
                digits++;
            }
            if (digits > 0 && p < to && buf[p] == '"' && k <= Integer.MAX_VALUE) {
                out[found++] = (int) k;
            }
            i = p;
        }
        return found;
    }

    /** The same over chars, for the JDK client, which hands text frames over already decoded. */
    int scan(char[] buf, int from, int to, int[] out) {
        int found = 0;
        int last = needle.length - 1;
        int i = from;
        while (i + last < to && found < out.length) {
            int j = last;
            while (j >= 0 && buf[i + j] == needle[j]) {
                j--;
            }
            if (j >= 0) {
                char c = buf[i + last];
                i += c < 256 ? skip[c] : needle.length;
                continue;
            }
            int p = i + needle.length;
            long k = 0;
            int digits = 0;
            while (p < to && digits < 10 && buf[p] >= '0' && buf[p] <= '9') {
                k = k * 10 + (buf[p] - '0');
                p++;
                digits++;
            }
            if (digits > 0 && p < to && buf[p] == '"' && k <= Integer.MAX_VALUE) {
                out[found++] = (int) k;
            }
            i = p;
        }
        return found;
    }
}
