package io.edamame.danmaku.impl.fanout;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.edamame.core.api.SocketCloseCodes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The danmaku fan-out of this node: one {@link RoomFanout} per room that has viewers or something to
 * send, all ticked by one scheduler thread. Every tick, each room merges what was published since the
 * last one into one {@code batch} frame, serialises it once and hands the same string to each of its
 * viewers, so a busy room costs one write per viewer per tick, not one per message. Transport-agnostic:
 * the WebSocket endpoint joins each connection as a {@link ViewerChannel} and publishes what the
 * filter chain accepted.
 *
 * <p>Concurrency model:
 * <ul>
 * <li>Publishers ({@link #publish}, {@link #like}; connection threads, later the bus subscriber) only
 *     append to the room's lock-free queue or add to its likes counter. They never wait for the tick or
 *     for a viewer.</li>
 * <li>The tick thread alone drains queues, serialises, starts writes and changes room state (likes
 *     total, pin, online count sent). One thread serialises each frame once, and no room's state needs
 *     a lock.</li>
 * <li>Each viewer has at most one write in flight; completions arrive on I/O threads and start the next
 *     queued write. A viewer's queue is guarded by its own lock, held only to move batches, so a slow
 *     viewer costs the tick a queue insertion and nothing more.</li>
 * <li>Rooms are created by {@code compute} on this map on the first join or publish, and removed by
 *     {@code computeIfPresent} on a tick that finds them idle. Both run under the map's lock for that
 *     key, so an item published or a viewer joining as the room is removed lands in a room that stays
 *     (or a new one), never in one that is gone.</li>
 * </ul>
 *
 * <p>Close codes: {@link SocketCloseCodes#TOO_SLOW} (4408) after {@code stalled.millis} without a
 * completed write, {@link ViewerChannel#CLOSE_SEND_FAILED} (1011) after a failed write,
 * {@link SocketCloseCodes#RESTARTING} (1012) for every viewer when the component stops.
 */
@Component(service = RoomFanouts.class, configurationPid = RoomFanouts.PID)
@Designate(ocd = RoomFanouts.Config.class)
public class RoomFanouts {

    public static final String PID = "io.edamame.danmaku.fanout";

    @ObjectClassDefinition(name = "Edamame danmaku fan-out",
            description = "How rooms merge danmaku into frames and how slow viewers are treated.")
    public @interface Config {
        @AttributeDefinition(name = "Tick (ms)", min = "1",
                description = "Each room sends at most one merged frame per viewer per tick.")
        long tick_millis() default 50;

        @AttributeDefinition(name = "Viewer queue (frames)", min = "1",
                description = "Frames that may wait behind a viewer's write in flight; when more arrive, "
                        + "its oldest danmaku are dropped.")
        int viewer_queue_frames() default 64;

        @AttributeDefinition(name = "Stalled after (ms)",
                description = "A viewer that completes no write for this long is closed with 4408. "
                        + "At least one tick.")
        long stalled_millis() default 10_000;

        @AttributeDefinition(name = "Send threads", min = "0",
                description = "Threads that start the writes of a room's viewers in a tick, the tick thread "
                        + "included; 0 means one per processor. Rooms under 500 viewers per thread use one.")
        int send_threads() default 0;

        @AttributeDefinition(name = "Online count every (ms)",
                description = "How often the online count is sent, if it changed. At least one tick.")
        long online_every_millis() default 5_000;
    }

    private static final Logger LOG = LoggerFactory.getLogger(RoomFanouts.class);

    private final FanoutSettings settings;
    private final LongSupplier millis;
    private final Frames frames;
    private final Map<RoomKey, RoomFanout> rooms = new ConcurrentHashMap<>();
    private final LongAdder droppedDanmaku = new LongAdder();
    private final ScheduledExecutorService ticker;
    private final ExecutorService helpers;
    private final SendThreads sendThreads;

    @Activate
    public RoomFanouts(Config config) {
        this(FanoutSettings.of(config), RoomFanouts::monotonicMillis, new ObjectMapper(),
                Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "edamame-danmaku-fanout")),
                config.send_threads() > 0 ? config.send_threads() : Runtime.getRuntime().availableProcessors());
        ticker.scheduleAtFixedRate(this::tickSafely, settings.tickMillis(), settings.tickMillis(),
                TimeUnit.MILLISECONDS);
        LOG.info("DANMAKU fan-out: started, {}", settings);
    }

    /** Without a ticker: tests call {@link #tick()} themselves, with their own clock. */
    RoomFanouts(FanoutSettings settings, LongSupplier millis, ObjectMapper mapper) {
        this(settings, millis, mapper, null, 1);
    }

    /** Without a ticker, sweeping large rooms on {@code sendThreads} threads; tests call {@link #tick()}. */
    RoomFanouts(FanoutSettings settings, LongSupplier millis, ObjectMapper mapper, int sendThreads) {
        this(settings, millis, mapper, null, sendThreads);
    }

    private RoomFanouts(FanoutSettings settings, LongSupplier millis, ObjectMapper mapper,
            ScheduledExecutorService ticker, int sendThreads) {
        this.settings = settings;
        this.millis = millis;
        this.frames = new Frames(mapper);
        this.ticker = ticker;
        AtomicInteger helperCount = new AtomicInteger();
        this.helpers = sendThreads <= 1 ? null : Executors.newFixedThreadPool(sendThreads - 1, r -> {
            Thread thread = new Thread(r, "edamame-danmaku-send-" + helperCount.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.sendThreads = helpers == null ? null : new SendThreads(helpers, sendThreads);
    }

    /** Stops ticking and closes every viewer with 1012, so that clients reconnect to the next instance. */
    @Deactivate
    void deactivate() throws InterruptedException {
        ticker.shutdown();
        if (!ticker.awaitTermination(1, TimeUnit.SECONDS)) {
            LOG.warn("DANMAKU fan-out: a tick did not end within a second of stopping");
        }
        closeAll();
        shutdownHelpers();
    }

    void shutdownHelpers() {
        if (helpers != null) {
            helpers.shutdown();
        }
    }

    void closeAll() {
        for (RoomFanout room : rooms.values()) {
            room.closeAll(SocketCloseCodes.RESTARTING, "restarting");
        }
        rooms.clear();
    }

    /**
     * Adds a viewer to the room; it is sent the room's state (online count, likes, pin) at the next
     * tick and every frame after it, until {@link #leave}.
     *
     * @throws IllegalArgumentException if a viewer with the same id is already in the room
     */
    public void join(RoomKey room, ViewerChannel channel) {
        join(room, channel, RoomSeed.NONE);
    }

    /**
     * Adds a viewer as {@link #join(RoomKey, ViewerChannel)} does; if the room is new to the engine,
     * it starts from {@code seed} (the pin and likes stored for it), so that the first viewers of a
     * node are told the room's state, not an empty one.
     */
    public void join(RoomKey room, ViewerChannel channel, RoomSeed seed) {
        rooms.compute(room, (key, fanout) -> {
            RoomFanout target = fanout != null ? fanout : newRoom(key);
            target.seed(seed);
            target.join(channel);
            return target;
        });
    }

    /**
     * The room's viewers on other nodes, as the bus last reported them; the {@code online} count is
     * this node's viewers plus these. Ignored for a room without viewers here.
     */
    public void remoteViewers(RoomKey room, int count) {
        RoomFanout fanout = rooms.get(room);
        if (fanout != null) {
            fanout.remoteViewers(count);
        }
    }

    /**
     * Removes a viewer, e.g. when its connection closed; nothing more is sent to it. The room goes away
     * at the next tick if this was its last viewer and nothing is waiting.
     *
     * @return whether the viewer was in the room (false after the engine closed it itself)
     */
    public boolean leave(RoomKey room, String viewerId) {
        RoomFanout fanout = rooms.get(room);
        return fanout != null && fanout.leave(viewerId);
    }

    /** Sends {@code event} to every viewer of the room in the next frame, after what was published before it. */
    public void publish(RoomKey room, FanoutItem.RoomEvent event) {
        rooms.compute(room, (key, fanout) -> {
            RoomFanout target = fanout != null ? fanout : newRoom(key);
            target.publish(event);
            return target;
        });
    }

    /** Adds {@code count} likes; every like of a tick reaches viewers as one {@code likes} item. */
    public void like(RoomKey room, int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("Likes must be positive: " + count);
        }
        rooms.compute(room, (key, fanout) -> {
            RoomFanout target = fanout != null ? fanout : newRoom(key);
            target.like(count);
            return target;
        });
    }

    /** Danmaku dropped for slow viewers since the engine started, counted once per viewer. */
    public long droppedDanmaku() {
        return droppedDanmaku.sum();
    }

    /** Viewers of the room on this node. */
    public int viewerCount(RoomKey room) {
        RoomFanout fanout = rooms.get(room);
        return fanout == null ? 0 : fanout.viewerCount();
    }

    int roomCount() {
        return rooms.size();
    }

    RoomFanout room(RoomKey room) {
        return rooms.get(room);
    }

    /** One tick of every room, then forgets the rooms it left idle. The scheduler's task; tests call it. */
    void tick() {
        long now = millis.getAsLong();
        for (Map.Entry<RoomKey, RoomFanout> entry : rooms.entrySet()) {
            RoomFanout fanout = entry.getValue();
            try {
                fanout.tick(now);
            } catch (RuntimeException e) {
                // One broken room must not stop the others, nor the scheduler (which would drop the task).
                LOG.error("ROOM {}: fan-out tick failed", entry.getKey(), e);
            }
            rooms.computeIfPresent(entry.getKey(), (key, current) -> current == fanout && current.idle() ? null : current);
        }
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException | Error e) {
            // An exception out of a periodic task cancels it, which would silence every room of the node.
            LOG.error("DANMAKU fan-out: tick failed", e);
        }
    }

    private RoomFanout newRoom(RoomKey key) {
        return new RoomFanout(key, settings, frames, droppedDanmaku, millis.getAsLong(), sendThreads);
    }

    private static long monotonicMillis() {
        return System.nanoTime() / 1_000_000;
    }
}
