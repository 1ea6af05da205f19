package io.edamame.core.api;

/**
 * What a user wants to do in a room: be there while it is live, decided by the room's {@link RoomAccess},
 * or watch its replay, decided by its {@link ReplayAccess}.
 */
public enum AccessPurpose {
    LIVE,
    REPLAY
}
