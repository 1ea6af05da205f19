package io.edamame.core.api;

/** What a user wants to do in a room: be there while it is live, or watch its replay. */
public enum AccessPurpose {
    LIVE,
    REPLAY
}
