package io.edamame.danmaku.impl.live;

/**
 * WebSocket close codes of the danmaku protocol (docs/DANMAKU-PROTOCOL.md), in the application range
 * 4000–4999 of RFC 6455, each after the HTTP status it resembles. The fan-out's own are in
 * {@code ViewerChannel}.
 */
public final class CloseCodes {

    /** The token is invalid or expired. */
    public static final int UNAUTHENTICATED = 4401;
    /** The plugin is off for the tenant, the tenant is suspended, or the access check denied. */
    public static final int FORBIDDEN = 4403;
    /** No such room in this tenant, or no such tenant, or a token of another tenant. */
    public static final int NOT_FOUND = 4404;
    /** The room has ended. */
    public static final int ROOM_ENDED = 4410;
    /** The client kept sending frames over 4 KiB or not valid JSON. */
    public static final int BAD_FRAMES = 4413;

    private CloseCodes() {
    }
}
