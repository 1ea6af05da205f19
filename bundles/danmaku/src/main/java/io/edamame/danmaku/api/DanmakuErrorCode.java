package io.edamame.danmaku.api;

import io.edamame.core.api.ErrorCode;

/**
 * Why the danmaku plugin refuses something: the built-in filters' rejections, moderation, and bad
 * client frames. Names are part of the public API (clients see them in
 * the {@code error} frame's {@code code}): never rename one.
 */
public enum DanmakuErrorCode implements ErrorCode {
    /** Nothing but white space once control characters are removed. */
    TEXT_EMPTY(400),
    /** More code points than the tenant's {@link DanmakuSettings#MAX_LENGTH}. */
    TEXT_TOO_LONG(400),
    /** A color that is not {@code #rrggbb}. */
    BAD_COLOR(400),
    /** The text contains a word of the tenant's list, and the tenant rejects rather than masks. */
    SENSITIVE_WORD(400),
    /** The sender is over the tenant's rate. */
    RATE_LIMITED(429),
    /** The sender sent the same text to the room within the tenant's duplicate window. */
    DUPLICATE(429),
    /** A filter failed; the message is rejected rather than let through unchecked. */
    FILTER_FAILED(500),
    /** A moderator muted the sender in this room. */
    MUTED(403),
    /** A moderator banned the user from this room (also the close reason, with code 4403). */
    BANNED(403),
    /** Slow mode is on and the sender's last danmaku is too recent. */
    SLOW_MODE(429),
    /** The room is not live (yet): danmaku are sent during the live only. */
    ROOM_NOT_LIVE(409),
    /** A client frame that is not a JSON object of a known type, or has ill-typed fields. */
    MALFORMED_MESSAGE(400),
    /** A client frame over 4 KiB. */
    MESSAGE_TOO_LARGE(413),
    /** No danmaku with that id in the room. */
    DANMAKU_NOT_FOUND(404);

    private final int httpStatus;

    DanmakuErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    @Override
    public int httpStatus() {
        return httpStatus;
    }
}
