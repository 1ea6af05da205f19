package io.edamame.wechat.impl.store;

/** The database failed; callers answer with a server error, never with a wrong result. */
public class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StoreException(String what, Throwable cause) {
        super(what + " failed: " + cause.getMessage(), cause);
    }
}
