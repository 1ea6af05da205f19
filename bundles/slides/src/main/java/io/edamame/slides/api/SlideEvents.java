package io.edamame.slides.api;

import io.edamame.core.api.EdamameEvents;

/**
 * The EventAdmin event of the slides bundle, posted asynchronously after the change is committed, on the
 * node where it happened. The media bundle's signaling channel and the danmaku stream listen to it to show
 * every viewer the same page at once. Property values are never null: an absent property is an absent value.
 */
public final class SlideEvents {

    /**
     * The page a room shows changed: the host turned a page, or uploaded a new deck (then {@link #PAGE} is 1
     * and {@link #NEW_DECK} is true). Properties: {@link #TENANT_ID}, {@link #ROOM_ID}, {@link #DECK_ID},
     * {@link #PAGE}, {@link #PAGE_COUNT}, {@link #NEW_DECK}, {@link #AT_MS} and, when the room is live,
     * {@link #OFFSET_MS}.
     */
    public static final String PAGE_TURNED = "edamame/slides/PAGE_TURNED";

    /** {@code Long}, as in the core's events. */
    public static final String TENANT_ID = EdamameEvents.TENANT_ID;
    /** {@code Long}, as in the core's events. */
    public static final String ROOM_ID = EdamameEvents.ROOM_ID;
    /** {@code Long} */
    public static final String DECK_ID = "deck.id";
    /** {@code Integer}, 1-based */
    public static final String PAGE = "page";
    /** {@code Integer}, the deck's pages */
    public static final String PAGE_COUNT = "page.count";
    /** {@code Long}, milliseconds since the start of the live; absent before the live */
    public static final String OFFSET_MS = "offset.ms";
    /** {@code Long}, epoch milliseconds of the turn */
    public static final String AT_MS = "at.ms";
    /** {@code Boolean}, true when a new deck replaced the room's deck */
    public static final String NEW_DECK = "deck.new";

    private SlideEvents() {
    }
}
