package io.edamame.media.impl.store;

/** The database failed a media query; callers answer {@code SERVICE_UNAVAILABLE}. */
public class MediaStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MediaStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
