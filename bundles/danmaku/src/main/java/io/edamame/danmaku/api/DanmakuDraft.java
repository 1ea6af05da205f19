package io.edamame.danmaku.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A danmaku as a viewer sent it, before the filter chain has accepted it; it has no id yet.
 *
 * @param tenantId the tenant of the room
 * @param roomId the room it is sent to
 * @param userId the sender
 * @param userName the sender's display name, or null
 * @param text what the viewer wrote; never null (an endpoint maps a missing text to {@code ""},
 *        which the chain rejects with {@link DanmakuErrorCode#TEXT_EMPTY})
 * @param color {@code #rrggbb}, or null for the client's default
 * @param mode how it is drawn
 * @param clientId the sender's own id for the message, echoed in the ack or error; may be null
 * @param sentAt when the server received it
 */
public record DanmakuDraft(long tenantId, long roomId, long userId, String userName, String text, String color,
        DanmakuMode mode, String clientId, Instant sentAt) {

    public DanmakuDraft {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(sentAt, "sentAt");
    }

    /** The same draft with another text, as a rewriting filter produces it. */
    public DanmakuDraft withText(String newText) {
        return new DanmakuDraft(tenantId, roomId, userId, userName, newText, color, mode, clientId, sentAt);
    }
}
