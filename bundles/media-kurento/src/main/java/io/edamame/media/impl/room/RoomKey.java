package io.edamame.media.impl.room;

/** A room, named by its tenant and its id. */
public record RoomKey(long tenantId, long roomId) {

    /** The value of the pipeline tag {@code edamame.room}. */
    public String tag() {
        return tenantId + "/" + roomId;
    }

    @Override
    public String toString() {
        return tag();
    }
}
