package io.edamame.danmaku.impl.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.edamame.core.api.EdamameEvents;
import io.edamame.core.api.Room;
import io.edamame.core.api.RoomService;
import io.edamame.core.api.RoomStatus;
import io.edamame.core.api.SocketCloseCodes;
import io.edamame.core.api.TenantStatus;
import io.edamame.danmaku.impl.DanmakuPlugin;
import io.edamame.danmaku.impl.fanout.FanoutItem;
import io.edamame.danmaku.impl.fanout.RoomFanouts;
import io.edamame.danmaku.impl.fanout.RoomKey;
import io.edamame.danmaku.impl.store.DanmakuStore;
import io.edamame.danmaku.impl.store.HistoryWriter;
import io.edamame.redis.api.RedisMessageListener;
import io.edamame.redis.api.RedisPubSub;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rooms of this node that have viewers, and the one path by which anything that happens to a room
 * reaches them: {@link #broadcast} applies a {@link BusMessage} here and, when the node has a Redis
 * ({@link RedisPubSub} registered), publishes it on channel {@value #CHANNEL}, where every other node's
 * {@link #onMessage} applies it too. So a single node needs nothing, and switching a node's bus on or
 * off (creating or deleting {@code etc/io.edamame.redis.cfg}) needs no restart: the reference follows
 * the service.
 *
 * <p>It also turns the core's events, which are local to the node where they happen, into bus
 * messages: a room started, ended or deleted; danmaku switched off for a tenant; a tenant suspended.
 *
 * <p>Likes are relayed in sums every {@value #RELAY_MILLIS} ms, and each node reports its viewer count
 * per room every {@value #ONLINE_MILLIS} ms; counts older than three reports are forgotten, so a node
 * that dies stops being counted.
 */
@Component(service = {LiveRooms.class, RedisMessageListener.class, EventHandler.class},
        property = {RedisMessageListener.CHANNEL + "=" + LiveRooms.CHANNEL,
                EventConstants.EVENT_TOPIC + "=edamame/room/*",
                EventConstants.EVENT_TOPIC + "=" + EdamameEvents.PLUGIN_DISABLED,
                EventConstants.EVENT_TOPIC + "=" + EdamameEvents.TENANT_STATUS_CHANGED})
public class LiveRooms implements RedisMessageListener, EventHandler {

    public static final String CHANNEL = "edamame.danmaku";
    static final long RELAY_MILLIS = 250;
    static final long ONLINE_MILLIS = 2000;

    private static final Logger LOG = LoggerFactory.getLogger(LiveRooms.class);

    private final RoomService rooms;
    private final DanmakuStore store;
    private final RoomFanouts fanouts;
    private final HistoryWriter history;
    private final BusCodec codec = new BusCodec(new ObjectMapper());
    private final String node = UUID.randomUUID().toString();
    private final Map<RoomKey, RoomState> states = new ConcurrentHashMap<>();
    /** Likes given on this node since the last relay. */
    private final Map<RoomKey, AtomicLong> likesToRelay = new ConcurrentHashMap<>();
    /** Other nodes' viewer counts: room to node to count and when it was reported (monotonic ms). */
    private final Map<RoomKey, Map<String, long[]>> remoteOnline = new ConcurrentHashMap<>();
    private final LongAdder publishFailures = new LongAdder();
    private final ScheduledExecutorService relay;
    private volatile LongConsumer wordsChanged = tenantId -> { };

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile RedisPubSub redis;

    @Activate
    public LiveRooms(@Reference RoomService rooms, @Reference DanmakuStore store, @Reference RoomFanouts fanouts,
            @Reference HistoryWriter history) {
        this.rooms = rooms;
        this.store = store;
        this.fanouts = fanouts;
        this.history = history;
        this.relay = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "edamame-danmaku-relay"));
        relay.scheduleAtFixedRate(this::relayLikes, RELAY_MILLIS, RELAY_MILLIS, TimeUnit.MILLISECONDS);
        relay.scheduleAtFixedRate(this::reportOnline, ONLINE_MILLIS, ONLINE_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        relay.shutdown();
        relay.awaitTermination(1, TimeUnit.SECONDS);
        relayLikes();
    }

    /** The id of this node on the bus. */
    public String node() {
        return node;
    }

    /** Whether this node relays to others at the moment. */
    public boolean hasBus() {
        return redis != null;
    }

    /** Where changes of a tenant's sensitive words are reported; the word source sets it. */
    public void onWordsChanged(LongConsumer listener) {
        wordsChanged = listener;
    }

    /**
     * Registers a connection of the room, loading the room's state if it is the node's first.
     *
     * @return the state, or empty if the room does not exist in the tenant
     * @throws io.edamame.danmaku.impl.store.StoreException if the database failed
     */
    public Optional<RoomState> enter(long tenantId, long roomId, LiveViewer viewer) {
        RoomKey key = new RoomKey(tenantId, roomId);
        RoomState loaded = null;
        if (!states.containsKey(key)) {
            Optional<Room> room = rooms.find(tenantId, roomId);
            if (room.isEmpty()) {
                return Optional.empty();
            }
            loaded = new RoomState(room.get(), store.room(tenantId, roomId));
        }
        RoomState fresh = loaded;
        RoomState state = states.compute(key, (k, current) -> {
            RoomState target = current != null ? current : fresh;
            if (target == null) {
                return null;
            }
            target.viewers.add(viewer);
            return target;
        });
        // The state went away between the check and compute (its last viewer left): load it again.
        return state != null ? Optional.of(state) : enter(tenantId, roomId, viewer);
    }

    /** Unregisters a connection; the room's state is forgotten with its last connection. */
    public void leave(RoomState state, LiveViewer viewer) {
        states.computeIfPresent(state.key(), (k, current) -> {
            current.viewers.remove(viewer);
            return current.viewers.isEmpty() ? null : current;
        });
    }

    /**
     * Re-reads whether a room that is not live has gone live. The core announces a start by an
     * asynchronous event, so a danmaku sent right after the start may arrive before it; rather than
     * refuse it, the room is asked for, at most once a second.
     */
    public void refresh(RoomState state) {
        if (state.status() == RoomStatus.LIVE || !state.claimRefresh(System.currentTimeMillis())) {
            return;
        }
        rooms.find(state.key().tenantId(), state.key().roomId())
                .filter(room -> room.status() == RoomStatus.LIVE && room.startedAt() != null)
                .ifPresent(room -> state.started(room.startedAt().toEpochMilli()));
    }

    /** The state of a room with viewers on this node, if any. */
    public Optional<RoomState> state(RoomKey room) {
        return Optional.ofNullable(states.get(room));
    }

    /** Applies {@code message} on this node and relays it to the others. */
    public void broadcast(BusMessage message) {
        apply(message);
        send(message);
    }

    /** Likes from a viewer of this node: shown here at the next tick, stored, relayed in sums. */
    public void like(RoomKey room, int count) {
        fanouts.like(room, count);
        history.liked(room.tenantId(), room.roomId(), count);
        likesToRelay.computeIfAbsent(room, k -> new AtomicLong()).addAndGet(count);
    }

    /** Publish failures on the bus since start. */
    public long publishFailures() {
        return publishFailures.sum();
    }

    private void send(BusMessage message) {
        RedisPubSub bus = redis;
        if (bus == null) {
            return;
        }
        bus.publish(CHANNEL, codec.encode(node, message)).whenComplete((receivers, failure) -> {
            if (failure != null) {
                publishFailures.increment();
                LOG.warn("DANMAKU bus: publishing to {} failed: {}", bus.uri(), failure.getMessage());
            }
        });
    }

    /** The effect of a message on this node, whichever node it comes from. */
    void apply(BusMessage message) {
        RoomKey key = message.room();
        RoomState state = key == null ? null : states.get(key);
        if (message instanceof BusMessage.Event e) {
            if (state != null && e.event() instanceof FanoutItem.Pin pin) {
                state.pinned(pin);
            }
            fanouts.publish(key, e.event());
        } else if (message instanceof BusMessage.Liked l) {
            if (l.count() > 0) {
                fanouts.like(key, (int) Math.min(Integer.MAX_VALUE, l.count()));
            }
        } else if (message instanceof BusMessage.Online o) {
            Map<String, long[]> byNode = remoteOnline.computeIfAbsent(key, k -> new ConcurrentHashMap<>());
            byNode.put(o.node(), new long[] {o.count(), monotonicMillis()});
            fanouts.remoteViewers(key, sumOfReports(byNode));
        } else if (message instanceof BusMessage.Sanctioned s) {
            if (state != null) {
                state.sanction(s.userId(), s.kind(), s.untilMs());
                if (s.kind() == DanmakuStore.SanctionKind.BAN) {
                    closeUser(state, s.userId(), SocketCloseCodes.FORBIDDEN, "BANNED");
                }
            }
        } else if (message instanceof BusMessage.Lifted l) {
            if (state != null) {
                state.lift(l.userId(), l.kind());
            }
        } else if (message instanceof BusMessage.SlowMode s) {
            if (state != null) {
                state.slowMode(s.seconds());
            }
        } else if (message instanceof BusMessage.Started s) {
            if (state != null) {
                state.started(s.startedAtMs());
            }
        } else if (message instanceof BusMessage.Ended e) {
            remoteOnline.remove(key);
            if (state != null) {
                // Before closing: a connection opening meanwhile must find the room ended, not live.
                state.ended(e.deleted());
                closeAll(state, e.deleted() ? SocketCloseCodes.NOT_FOUND : SocketCloseCodes.ROOM_ENDED,
                        e.deleted() ? "ROOM_NOT_FOUND" : "ROOM_ENDED");
            }
        } else if (message instanceof BusMessage.WordsChanged w) {
            wordsChanged.accept(w.tenantId());
        } else if (message instanceof BusMessage.TenantOff t) {
            for (RoomState room : List.copyOf(states.values())) {
                if (room.key().tenantId() == t.tenantId()) {
                    closeAll(room, SocketCloseCodes.FORBIDDEN, t.reason());
                }
            }
        }
    }

    private static void closeAll(RoomState state, int code, String reason) {
        for (LiveViewer viewer : List.copyOf(state.viewers)) {
            viewer.close(code, reason);
        }
    }

    private static void closeUser(RoomState state, long userId, int code, String reason) {
        for (LiveViewer viewer : List.copyOf(state.viewers)) {
            if (viewer.userId() == userId) {
                viewer.close(code, reason);
            }
        }
    }

    /** A message from the bus; this node's own messages come back too and are skipped. */
    @Override
    public void onMessage(String channel, byte[] message) {
        BusCodec.Envelope envelope;
        try {
            envelope = codec.decode(message);
        } catch (IllegalArgumentException e) {
            LOG.warn("DANMAKU bus: ignored a message that is not ours: {}", e.getMessage());
            return;
        }
        if (!envelope.node().equals(node)) {
            apply(envelope.message());
        }
    }

    /** The core's events happen on one node; this makes them reach every node. */
    @Override
    public void handleEvent(Event event) {
        String topic = event.getTopic();
        try {
            if (topic.equals(EdamameEvents.PLUGIN_DISABLED)) {
                if (DanmakuPlugin.ID.equals(event.getProperty(EdamameEvents.PLUGIN_ID))) {
                    broadcast(new BusMessage.TenantOff(tenantOf(event), "PLUGIN_DISABLED"));
                }
                return;
            }
            if (topic.equals(EdamameEvents.TENANT_STATUS_CHANGED)) {
                if (TenantStatus.SUSPENDED.name().equals(event.getProperty(EdamameEvents.TENANT_STATUS))) {
                    broadcast(new BusMessage.TenantOff(tenantOf(event), "TENANT_SUSPENDED"));
                }
                return;
            }
            RoomKey key = new RoomKey(tenantOf(event), ((Number) event.getProperty(EdamameEvents.ROOM_ID)).longValue());
            switch (topic) {
                case EdamameEvents.ROOM_STARTED -> rooms.find(key.tenantId(), key.roomId())
                        .filter(room -> room.startedAt() != null)
                        .ifPresent(room -> broadcast(new BusMessage.Started(key, room.startedAt().toEpochMilli())));
                case EdamameEvents.ROOM_ENDED -> broadcast(new BusMessage.Ended(key, false));
                case EdamameEvents.ROOM_DELETED -> broadcast(new BusMessage.Ended(key, true));
                default -> { }
            }
        } catch (RuntimeException e) {
            LOG.error("DANMAKU: handling event {} failed", topic, e);
        }
    }

    private static long tenantOf(Event event) {
        return ((Number) event.getProperty(EdamameEvents.TENANT_ID)).longValue();
    }

    private void relayLikes() {
        try {
            Map<RoomKey, Long> sums = new HashMap<>();
            for (Map.Entry<RoomKey, AtomicLong> entry : likesToRelay.entrySet()) {
                long count = entry.getValue().getAndSet(0);
                if (count > 0) {
                    sums.put(entry.getKey(), count);
                } else {
                    likesToRelay.remove(entry.getKey(), entry.getValue());
                }
            }
            sums.forEach((room, count) -> send(new BusMessage.Liked(room, count)));
        } catch (RuntimeException e) {
            LOG.error("DANMAKU bus: relaying likes failed", e);
        }
    }

    private void reportOnline() {
        try {
            long now = monotonicMillis();
            for (Map.Entry<RoomKey, Map<String, long[]>> entry : remoteOnline.entrySet()) {
                entry.getValue().values().removeIf(report -> now - report[1] > 3 * ONLINE_MILLIS);
                fanouts.remoteViewers(entry.getKey(), sumOfReports(entry.getValue()));
                if (entry.getValue().isEmpty()) {
                    remoteOnline.remove(entry.getKey(), entry.getValue());
                }
            }
            if (redis == null) {
                return;
            }
            for (RoomKey room : states.keySet()) {
                send(new BusMessage.Online(room, node, fanouts.viewerCount(room)));
            }
        } catch (RuntimeException e) {
            LOG.error("DANMAKU bus: reporting online counts failed", e);
        }
    }

    /** The other nodes' viewers; {@link #reportOnline} removes reports too old to count. */
    private static int sumOfReports(Map<String, long[]> byNode) {
        long sum = 0;
        for (long[] report : byNode.values()) {
            sum += report[0];
        }
        return (int) Math.min(Integer.MAX_VALUE, sum);
    }

    private static long monotonicMillis() {
        return System.nanoTime() / 1_000_000;
    }
}
