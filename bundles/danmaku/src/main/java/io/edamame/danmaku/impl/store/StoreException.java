package io.edamame.danmaku.impl.store;

/** The database failed; callers answer with a server error or retry, never with a wrong result. */
public class StoreException extends RuntimeException {

    public StoreException(String what, Throwable cause) {
        super(what + " failed: " + cause.getMessage(), cause);
    }
}
