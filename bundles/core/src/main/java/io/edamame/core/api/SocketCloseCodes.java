package io.edamame.core.api;

/**
 * WebSocket close codes shared by the platform's WebSocket protocols (danmaku, media signaling, and
 * integrators' endpoints). Refusals are in the application range 4000–4999 of RFC 6455, each 4000 plus
 * the HTTP status it resembles; the close reason is the error code's name.
 */
public final class SocketCloseCodes {

    /** The token is invalid or expired ({@code UNAUTHENTICATED}). */
    public static final int UNAUTHENTICATED = 4401;
    /** The plugin is off for the tenant, the tenant is suspended, or the access check denied. */
    public static final int FORBIDDEN = 4403;
    /** No such tenant or room, a room of another tenant, or another tenant's token. */
    public static final int NOT_FOUND = 4404;
    /** The client does not read what it is sent. */
    public static final int TOO_SLOW = 4408;
    /** The room has ended. */
    public static final int ROOM_ENDED = 4410;
    /** The client kept sending frames that the protocol refuses. */
    public static final int BAD_FRAMES = 4413;
    /** The endpoint's bundle is stopping or being upgraded: reconnect (RFC 6455 "Service Restart"). */
    public static final int RESTARTING = 1012;
    /** A service the endpoint needs (the database) is unavailable: try again later. */
    public static final int TRY_AGAIN_LATER = 1013;

    private SocketCloseCodes() {
    }
}
