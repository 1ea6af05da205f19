package io.edamame.danmaku.impl.fanout;

/**
 * A room as the fan-out engine keys it. The tenant is part of the key, as it is of the URL
 * ({@code /ws/danmaku/{tenant}/{roomId}}), so that nothing published under one tenant can reach the
 * viewers of another, whatever room id it names.
 */
public record RoomKey(long tenantId, long roomId) {

    @Override
    public String toString() {
        return tenantId + "/" + roomId;
    }
}
