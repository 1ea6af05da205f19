package io.edamame.media.impl.rest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The byte ranges a recording's file is served in (RFC 9110, one range per request). */
class RecordingRangeTest {

    @Test
    void satisfiableRanges() {
        assertArrayEquals(new long[] {0, 99}, RecordingsResource.span("bytes=0-99", 1000));
        assertArrayEquals(new long[] {500, 999}, RecordingsResource.span("bytes=500-", 1000));
        assertArrayEquals(new long[] {900, 999}, RecordingsResource.span("bytes=-100", 1000));
        assertArrayEquals(new long[] {0, 999}, RecordingsResource.span("bytes=-5000", 1000), "a suffix longer than the file");
        assertArrayEquals(new long[] {990, 999}, RecordingsResource.span("bytes=990-5000", 1000), "an end past the file");
    }

    @Test
    void unsatisfiableOrMalformedRanges() {
        assertNull(RecordingsResource.span("bytes=1000-", 1000), "starts past the end");
        assertNull(RecordingsResource.span("bytes=20-10", 1000));
        assertNull(RecordingsResource.span("bytes=-0", 1000));
        assertNull(RecordingsResource.span("bytes=-", 1000));
        assertNull(RecordingsResource.span("bytes=0-1,5-6", 1000), "several ranges are not served");
        assertNull(RecordingsResource.span("items=0-1", 1000));
        assertNull(RecordingsResource.span("bytes=99999999999999999999-", 1000));
        assertNull(RecordingsResource.span("bytes=0-", 0), "an empty file has no range");
    }
}
