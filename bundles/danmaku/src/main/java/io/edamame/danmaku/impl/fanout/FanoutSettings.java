package io.edamame.danmaku.impl.fanout;

/**
 * The fan-out engine's configuration, checked: the values of {@link RoomFanouts.Config}.
 *
 * @param tickMillis how often each room sends one merged frame
 * @param viewerQueueFrames frames that may wait behind a viewer's write in flight before its oldest
 *        danmaku are dropped
 * @param stalledMillis how long a viewer may go without completing a write before it is closed with
 *        {@link io.edamame.core.api.SocketCloseCodes#TOO_SLOW}
 * @param onlineEveryMillis how often the online count is sent, if it changed
 */
public record FanoutSettings(long tickMillis, int viewerQueueFrames, long stalledMillis, long onlineEveryMillis) {

    public static final FanoutSettings DEFAULTS = new FanoutSettings(50, 64, 10_000, 5_000);

    /** @throws IllegalArgumentException naming the configuration property that is out of range */
    public FanoutSettings {
        requireAtLeast("tick.millis", tickMillis, 1);
        requireAtLeast("viewer.queue.frames", viewerQueueFrames, 1);
        requireAtLeast("stalled.millis", stalledMillis, tickMillis);
        requireAtLeast("online.every.millis", onlineEveryMillis, tickMillis);
    }

    static FanoutSettings of(RoomFanouts.Config config) {
        return new FanoutSettings(config.tick_millis(), config.viewer_queue_frames(), config.stalled_millis(),
                config.online_every_millis());
    }

    private static void requireAtLeast(String property, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(
                    "Configuration " + RoomFanouts.PID + ": " + property + " must be at least " + min + ", not " + value);
        }
    }
}
