package io.edamame.danmaku.impl.fanout;

/**
 * The state a room starts from when it becomes active on this node: its stored pin (or null) and
 * likes total.
 */
public record RoomSeed(FanoutItem.Pin pin, long likes) {

    public static final RoomSeed NONE = new RoomSeed(null, 0);
}
