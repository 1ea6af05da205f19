package io.edamame.danmaku.api;

import io.edamame.core.api.ErrorCode;
import java.util.Objects;

/**
 * What a {@link DanmakuFilter} decided about one danmaku: {@link #pass()}, {@link #rewrite(String)}
 * or {@link #reject(ErrorCode, String)}. Sealed: the chain knows every kind of decision.
 */
public sealed interface FilterDecision {

    /** Let the danmaku go on to the next filter unchanged. */
    static FilterDecision pass() {
        return Pass.INSTANCE;
    }

    /** Go on with {@code text} instead of the draft's text; the next filter sees the new text. */
    static FilterDecision rewrite(String text) {
        return new Rewrite(text);
    }

    /**
     * Stop the chain: the danmaku is answered to its sender only with {@code code} and {@code message}.
     *
     * @param code a {@link DanmakuErrorCode} or the filter's own code
     * @param message a human-readable reason the sender may see; it must not reveal moderation
     *        details such as which word matched
     */
    static FilterDecision reject(ErrorCode code, String message) {
        return new Reject(code, message);
    }

    /** See {@link FilterDecision#pass()}. */
    enum Pass implements FilterDecision {
        INSTANCE
    }

    /** See {@link FilterDecision#rewrite(String)}. */
    record Rewrite(String text) implements FilterDecision {
        public Rewrite {
            Objects.requireNonNull(text, "text");
        }
    }

    /** See {@link FilterDecision#reject(ErrorCode, String)}. */
    record Reject(ErrorCode code, String message) implements FilterDecision {
        public Reject {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }
}
