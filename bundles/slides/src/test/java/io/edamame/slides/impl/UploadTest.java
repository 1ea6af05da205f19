package io.edamame.slides.impl;

import static io.edamame.core.testing.Errors.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edamame.core.api.CoreErrorCode;
import io.edamame.slides.api.SlideErrorCode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadTest {

    @TempDir
    Path dir;

    /** {@code size} bytes: the PDF header, then filler. */
    static byte[] pdfOfSize(int size) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) 'x');
        System.arraycopy(Upload.MAGIC, 0, bytes, 0, Upload.MAGIC.length);
        return bytes;
    }

    /** Counts the bytes handed out; endless unless given a length. */
    static final class Counting extends InputStream {
        final InputStream in;
        long read;

        Counting(InputStream in) {
            this.in = in;
        }

        static Counting endless() {
            return new Counting(null);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            if (in == null) {
                for (int i = 0; i < len; i++) {
                    b[off + i] = read + i < Upload.MAGIC.length ? Upload.MAGIC[(int) read + i] : 0;
                }
                n = len;
            } else {
                n = in.read(b, off, len);
            }
            if (n > 0) {
                read += n;
            }
            return n;
        }
    }

    @Test
    void aBodyOfExactlyTheLimitIsStoredWithItsSizeAndHash() throws Exception {
        byte[] body = pdfOfSize(10_000);
        Path target = dir.resolve("u.pdf");
        Upload.Spooled spooled = Upload.spool(new ByteArrayInputStream(body), target, 10_000);
        assertEquals(10_000, spooled.sizeBytes());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)), spooled.sha256());
        assertArrayEquals(body, Files.readAllBytes(target));
    }

    @Test
    void oneByteOverTheLimitIsRefused() {
        Path target = dir.resolve("u.pdf");
        Counting body = new Counting(new ByteArrayInputStream(pdfOfSize(10_001)));
        assertError(SlideErrorCode.PDF_TOO_LARGE, () -> Upload.spool(body, target, 10_000));
        assertEquals(10_001, body.read);
    }

    @Test
    void anEndlessBodyIsReadNoFurtherThanOneBytePastTheLimit() throws IOException {
        Path target = dir.resolve("u.pdf");
        Counting body = Counting.endless();
        assertError(SlideErrorCode.PDF_TOO_LARGE, () -> Upload.spool(body, target, 100_000));
        assertEquals(100_001, body.read);
        assertTrue(Files.size(target) <= 100_000, "nothing past the limit is written");
    }

    @Test
    void aBodyWithoutThePdfHeaderIsRefusedAfterItsFirstBytes() {
        Path target = dir.resolve("u.pdf");
        Counting gif = new Counting(new ByteArrayInputStream(("GIF89a" + "x".repeat(10_000)).getBytes(StandardCharsets.US_ASCII)));
        assertError(SlideErrorCode.NOT_A_PDF, () -> Upload.spool(gif, target, 100_000));
        assertEquals(Upload.MAGIC.length, gif.read);
        assertError(SlideErrorCode.NOT_A_PDF, () -> Upload.spool(new ByteArrayInputStream("%PD".getBytes()), target, 100));
        assertTrue(Files.notExists(target));
    }

    @Test
    void aBodyThatBreaksOffIsAMalformedRequest() {
        InputStream broken = new InputStream() {
            private int n;

            @Override
            public int read() throws IOException {
                if (n < Upload.MAGIC.length) {
                    return Upload.MAGIC[n++];
                }
                throw new IOException("connection reset");
            }
        };
        assertError(CoreErrorCode.MALFORMED_REQUEST, () -> Upload.spool(broken, dir.resolve("u.pdf"), 100_000));
    }
}
