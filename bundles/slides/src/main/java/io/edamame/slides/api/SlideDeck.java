package io.edamame.slides.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A PDF uploaded to a room, rendered to one PNG image per page. A deck never changes once stored: a new
 * upload makes a new deck, so a deck's pages can be cached for ever.
 *
 * @param id unique on the platform
 * @param fileName the name the host gave the file (no directories)
 * @param pageCount pages, each rendered to an image; pages are numbered from 1
 * @param sizeBytes size of the uploaded PDF
 * @param sha256 hex SHA-256 of the uploaded PDF
 * @param renderWidth width in pixels the pages were rendered at (a very tall page may be narrower, so that
 *                    its height stays bounded); heights follow each page's aspect ratio
 * @param uploadedBy user id of the host or admin who uploaded it
 */
public record SlideDeck(long id, long tenantId, long roomId, String fileName, int pageCount, long sizeBytes,
                        String sha256, int renderWidth, long uploadedBy, Instant uploadedAt) {

    public SlideDeck {
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(uploadedAt, "uploadedAt");
        if (pageCount < 1) {
            throw new IllegalArgumentException("a deck has at least one page");
        }
    }

    /** Whether {@code page} (1-based) is a page of this deck. */
    public boolean hasPage(int page) {
        return page >= 1 && page <= pageCount;
    }
}
