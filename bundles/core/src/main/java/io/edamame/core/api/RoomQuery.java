package io.edamame.core.api;

/** Filters for listing rooms; null filters match everything. {@code text} matches the title. */
public record RoomQuery(RoomStatus status, RoomType type, String tag, String text, Long hostUserId) {

    public static final RoomQuery ALL = new RoomQuery(null, null, null, null, null);
}
