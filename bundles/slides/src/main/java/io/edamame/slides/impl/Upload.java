package io.edamame.slides.impl;

import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import io.edamame.slides.api.SlideErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

/**
 * Copies an uploaded body to a file, refusing it as soon as it is not a PDF or larger than allowed: at most
 * {@code maxBytes + 1} bytes are ever read from the stream, and nothing beyond {@code maxBytes} is written.
 */
public final class Upload {

    /** The header every PDF starts with (ISO 32000-2, 7.5.2). */
    static final byte[] MAGIC = "%PDF-".getBytes(StandardCharsets.US_ASCII);

    private static final int BUFFER = 8192;

    /** What was stored: its size and hex SHA-256. */
    public record Spooled(long sizeBytes, String sha256) {
    }

    private Upload() {
    }

    /**
     * @throws EdamameException {@code NOT_A_PDF}, {@code PDF_TOO_LARGE}; {@code MALFORMED_REQUEST} when the
     *         body cannot be read to its end (the client went away)
     * @throws UncheckedIOException when the file cannot be written
     */
    public static Spooled spool(InputStream body, Path target, long maxBytes) {
        MessageDigest sha256 = sha256();
        byte[] head = read(body, MAGIC.length);
        if (head.length < MAGIC.length || !Arrays.equals(head, MAGIC)) {
            throw new EdamameException(SlideErrorCode.NOT_A_PDF, "The body is not a PDF: it does not start with %PDF-");
        }
        long total = head.length;
        if (total > maxBytes) {
            throw tooLarge(maxBytes);
        }
        try (OutputStream out = Files.newOutputStream(target)) {
            out.write(head);
            sha256.update(head);
            byte[] buffer = new byte[BUFFER];
            while (true) {
                // Never ask for more than one byte past the limit: that byte alone proves the body too large.
                int wanted = (int) Math.min(buffer.length, maxBytes + 1 - total);
                int n = readSome(body, buffer, wanted);
                if (n < 0) {
                    break;
                }
                total += n;
                if (total > maxBytes) {
                    throw tooLarge(maxBytes);
                }
                out.write(buffer, 0, n);
                sha256.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Writing the upload to " + target + " failed", e);
        }
        return new Spooled(total, HexFormat.of().formatHex(sha256.digest()));
    }

    public static EdamameException tooLarge(long maxBytes) {
        return new EdamameException(SlideErrorCode.PDF_TOO_LARGE, "The PDF is larger than " + maxBytes + " bytes",
                Map.of("maxBytes", maxBytes));
    }

    private static byte[] read(InputStream body, int n) {
        try {
            return body.readNBytes(n);
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    private static int readSome(InputStream body, byte[] buffer, int wanted) {
        try {
            return body.read(buffer, 0, wanted);
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    private static EdamameException unreadable(IOException e) {
        return new EdamameException(CoreErrorCode.MALFORMED_REQUEST, "The upload could not be read to its end", null, e);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
