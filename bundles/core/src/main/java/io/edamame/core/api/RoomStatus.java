package io.edamame.core.api;

/** The lifecycle of a room: {@code SCHEDULED -> LIVE -> ENDED}, nothing else. */
public enum RoomStatus {
    SCHEDULED, LIVE, ENDED;

    /** Whether a room in this status may move to {@code next}. */
    public boolean canMoveTo(RoomStatus next) {
        return (this == SCHEDULED && next == LIVE) || (this == LIVE && next == ENDED);
    }
}
