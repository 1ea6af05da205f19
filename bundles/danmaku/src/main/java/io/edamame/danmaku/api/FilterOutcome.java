package io.edamame.danmaku.api;

import io.edamame.core.api.ErrorCode;
import java.util.Objects;

/** What the {@link DanmakuFilterChain} made of a danmaku: {@link Accepted} or {@link Rejected}. */
public sealed interface FilterOutcome {

    boolean accepted();

    /**
     * Every filter passed or rewrote it.
     *
     * @param draft the danmaku to publish, with every rewrite applied
     */
    record Accepted(DanmakuDraft draft) implements FilterOutcome {
        public Accepted {
            Objects.requireNonNull(draft, "draft");
        }

        @Override
        public boolean accepted() {
            return true;
        }
    }

    /**
     * A filter rejected it, or failed.
     *
     * @param code answered to the sender
     * @param message answered to the sender
     * @param filter the {@link DanmakuFilter#name()} of the filter that rejected it, for logs and
     *        moderators; not meant for viewers
     */
    record Rejected(ErrorCode code, String message, String filter) implements FilterOutcome {
        public Rejected {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(filter, "filter");
        }

        @Override
        public boolean accepted() {
            return false;
        }
    }
}
