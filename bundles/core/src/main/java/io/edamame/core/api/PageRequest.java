package io.edamame.core.api;

/** A page of a list: zero-based {@code page}, {@code size} between 1 and {@link #MAX_SIZE}. */
public record PageRequest(int page, int size) {

    public static final int DEFAULT_SIZE = 20;
    public static final int MAX_SIZE = 100;

    public PageRequest {
        if (page < 0) {
            throw new EdamameException(CoreErrorCode.VALIDATION_FAILED, "page must be 0 or more");
        }
        if (size < 1 || size > MAX_SIZE) {
            throw new EdamameException(CoreErrorCode.VALIDATION_FAILED, "size must be between 1 and " + MAX_SIZE);
        }
    }

    public static PageRequest first(int size) {
        return new PageRequest(0, size);
    }

    public int offset() {
        return page * size;
    }
}
