package io.edamame.bench.danmaku;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ItemScannerTest {

    private final ItemScanner scanner = new ItemScanner("t1");

    private int[] scanBytes(String frame) {
        byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
        int[] out = new int[16];
        return Arrays.copyOf(out, scanner.scan(bytes, 0, bytes.length, out));
    }

    private int[] scanChars(String frame) {
        char[] chars = frame.toCharArray();
        int[] out = new int[16];
        return Arrays.copyOf(out, scanner.scan(chars, 0, chars.length, out));
    }

    private void assertFinds(String frame, int... expected) {
        assertArrayEquals(expected, scanBytes(frame), "bytes");
        assertArrayEquals(expected, scanChars(frame), "chars");
    }

    @Test
    void findsEachOfThisRunsDanmakuInOrder() {
        assertFinds("{\"type\":\"batch\",\"items\":["
                + "{\"type\":\"danmaku\",\"id\":1042,\"user\":{\"id\":7,\"name\":\"Lin\"},\"text\":\"t1.17\",\"color\":null,"
                + "\"mode\":\"scroll\",\"ts\":1795293393669,\"offsetMs\":125034},"
                + "{\"type\":\"likes\",\"count\":5230,\"delta\":12},"
                + "{\"type\":\"danmaku\",\"id\":1043,\"user\":{\"id\":8,\"name\":\"Mei\"},\"text\":\"t1.0\",\"color\":\"#ffffff\","
                + "\"mode\":\"top\",\"ts\":1795293393670,\"offsetMs\":125035},"
                + "{\"type\":\"online\",\"count\":318}]}", 17, 0);
    }

    @Test
    void ignoresOtherTextsAndOtherRuns() {
        assertFinds("{\"type\":\"batch\",\"items\":["
                + "{\"type\":\"danmaku\",\"id\":1,\"text\":\"hello\"},"
                + "{\"type\":\"danmaku\",\"id\":2,\"text\":\"t2.5\"},"
                + "{\"type\":\"danmaku\",\"id\":3,\"text\":\"t1.\"},"
                + "{\"type\":\"danmaku\",\"id\":4,\"text\":\"t1.5 and more\"},"
                + "{\"type\":\"notice\",\"text\":\"slow mode is on\"},"
                + "{\"type\":\"pin\",\"text\":null,\"ts\":1}]}");
    }

    @Test
    void isNotFooledByTheSequenceInsideAnotherString() {
        // A name holding "text":"t1.9 is escaped by the JSON writer, so it never matches.
        assertFinds("{\"type\":\"batch\",\"items\":[{\"type\":\"danmaku\",\"user\":{\"id\":1,"
                + "\"name\":\"\\\"text\\\":\\\"t1.9\\\"\"},\"text\":\"t1.3\"}]}", 3);
    }

    @Test
    void findsItemsAtTheVeryEndAndBeginning() {
        assertFinds("\"text\":\"t1.123456789\"", 123456789);
        assertFinds("\"text\":\"t1.4\"\"text\":\"t1.5\"", 4, 5);
        assertFinds("\"text\":\"t1.4");
        assertFinds("");
    }

    @Test
    void scansOnlyTheGivenRange() {
        byte[] bytes = "xx\"text\":\"t1.8\"yy\"text\":\"t1.9\"".getBytes(StandardCharsets.US_ASCII);
        int[] out = new int[4];
        assertArrayEquals(new int[] {8}, Arrays.copyOf(out, scanner.scan(bytes, 2, 16, out)));
    }

    @Test
    void stopsWhenTheOutputIsFull() {
        byte[] bytes = "\"text\":\"t1.1\",\"text\":\"t1.2\",\"text\":\"t1.3\"".getBytes(StandardCharsets.US_ASCII);
        int[] out = new int[2];
        assertArrayEquals(new int[] {1, 2}, Arrays.copyOf(out, scanner.scan(bytes, 0, bytes.length, out)));
    }

    @Test
    void refusesATagThatCouldNeedEscaping() {
        assertThrows(IllegalArgumentException.class, () -> new ItemScanner("a\"b"));
        assertThrows(IllegalArgumentException.class, () -> new ItemScanner(""));
    }
}
