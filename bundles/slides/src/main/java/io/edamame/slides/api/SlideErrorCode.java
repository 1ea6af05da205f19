package io.edamame.slides.api;

import io.edamame.core.api.ErrorCode;

/**
 * Why the slides bundle refuses something. Names are part of the public API (clients see them in the error
 * body's {@code code}): never rename one. The core's codes are used where they fit: {@code ROOM_NOT_FOUND},
 * {@code FORBIDDEN} (not the room's host nor a tenant admin), {@code PLUGIN_DISABLED},
 * {@code UNSUPPORTED_MEDIA_TYPE} (an upload that is not {@code application/pdf}), {@code VALIDATION_FAILED}.
 */
public enum SlideErrorCode implements ErrorCode {
    /** The room is not an {@code AUDIO_SLIDES} room. */
    NOT_A_SLIDES_ROOM(409),
    /** The live has ended: its slides and timeline are final. */
    ROOM_ENDED(409),
    /** The body does not start with the PDF header {@code %PDF-}. */
    NOT_A_PDF(400),
    /** A PDF that cannot be read or rendered: damaged, or encrypted with a password ({@code details.reason}). */
    INVALID_PDF(400),
    /** More bytes than the configured {@code max.upload.bytes}. */
    PDF_TOO_LARGE(413),
    /** More pages than the configured {@code max.pages}. */
    TOO_MANY_PAGES(400),
    /** The room has no deck (yet). */
    NO_DECK(404),
    /** No such deck in this room. */
    DECK_NOT_FOUND(404),
    /** No such page in the deck (an image request). */
    PAGE_NOT_FOUND(404),
    /** A turn to a page the current deck does not have. */
    PAGE_OUT_OF_RANGE(400),
    /** Every renderer of this node is busy for longer than the upload may wait; try again shortly. */
    RENDERER_BUSY(503);

    private final int httpStatus;

    SlideErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    @Override
    public int httpStatus() {
        return httpStatus;
    }
}
