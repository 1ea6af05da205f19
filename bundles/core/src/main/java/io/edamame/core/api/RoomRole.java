package io.edamame.core.api;

/** A participant's role within one room. */
public enum RoomRole {
    /** The user who runs the live: publishes, turns slides, moderates. */
    HOST,
    /** A viewer accepted onto the mic. */
    SPEAKER,
    /** Everyone else in the room. */
    AUDIENCE
}
