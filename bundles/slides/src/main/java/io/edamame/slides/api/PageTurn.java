package io.edamame.slides.api;

import java.time.Instant;
import java.util.Objects;

/**
 * The page a room shows from a moment on: set by the host turning a page, or by a new deck (page 1).
 *
 * @param deckId the deck the page belongs to
 * @param page 1-based page of that deck
 * @param offsetMs milliseconds from the start of the live ({@code Room.startedAt}) to the turn; null when the
 *                 room was not live yet (such a turn sets the current page but is not in the timeline)
 * @param at when the turn happened
 */
public record PageTurn(long tenantId, long roomId, long deckId, int page, Long offsetMs, Instant at) {

    public PageTurn {
        Objects.requireNonNull(at, "at");
        if (page < 1) {
            throw new IllegalArgumentException("pages are numbered from 1");
        }
    }
}
