package io.edamame.media.impl.room;

import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameEvents;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.PluginRegistry;
import io.edamame.core.api.Room;
import io.edamame.core.api.RoomService;
import io.edamame.core.api.SocketCloseCodes;
import io.edamame.core.api.TenantStatus;
import io.edamame.media.api.MediaEvents;
import io.edamame.media.api.MediaSettings;
import io.edamame.media.impl.kms.MediaServer;
import io.edamame.media.impl.kms.MediaServerListener;
import io.edamame.media.impl.kms.MediaServers;
import io.edamame.media.impl.kms.MediaServersConfig;
import io.edamame.media.impl.store.MediaStore;
import io.edamame.media.impl.store.Recording;
import io.edamame.media.impl.store.RecordingStatus;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rooms whose media this node carries, and everything that happens to them from outside a
 * participant's request: the core's room and tenant events, media servers coming and going, empty
 * rooms past their grace period. Room lifecycle work runs on one thread of its own, in the order it
 * happened, never on EventAdmin's or a media server's thread.
 */
@Component(service = {MediaRooms.class, EventHandler.class}, configurationPid = MediaServersConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {EventConstants.EVENT_TOPIC + "=" + EdamameEvents.TOPIC_PREFIX + "*"})
public class MediaRooms implements EventHandler, MediaServerListener, RoomServices {

    static final long IDLE_SWEEP_SECONDS = 5;

    private static final Logger LOG = LoggerFactory.getLogger(MediaRooms.class);

    private final RoomService roomService;
    private final PluginRegistry plugins;
    private final MediaServers servers;
    private final MediaStore store;
    private final EventAdmin events;
    private final Clock clock;
    private final Map<RoomKey, MediaRoom> rooms = new ConcurrentHashMap<>();
    private final Set<String> ownedPipelines = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService lifecycle = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "edamame-media-rooms");
        t.setDaemon(true);
        return t;
    });
    private volatile String recordingsUri;
    private volatile Duration emptyRoomGrace;

    @Activate
    public MediaRooms(@Reference RoomService roomService, @Reference PluginRegistry plugins,
                      @Reference MediaServers servers, @Reference MediaStore store, @Reference EventAdmin events,
                      MediaServersConfig config) {
        this(roomService, plugins, servers, store, events, config, Clock.systemUTC());
    }

    MediaRooms(RoomService roomService, PluginRegistry plugins, MediaServers servers, MediaStore store,
               EventAdmin events, MediaServersConfig config, Clock clock) {
        this.roomService = roomService;
        this.plugins = plugins;
        this.servers = servers;
        this.store = store;
        this.events = events;
        this.clock = clock;
        this.recordingsUri = recordingsUri(config.recordings_uri());
        this.emptyRoomGrace = Duration.ofSeconds(Math.max(0, config.empty_room_grace_seconds()));
        lifecycle.execute(this::closeRecordingsOfEarlierRun);
        lifecycle.scheduleWithFixedDelay(this::releaseIdleRooms, IDLE_SWEEP_SECONDS, IDLE_SWEEP_SECONDS,
                TimeUnit.SECONDS);
        servers.listen(this, ownedPipelines::contains);
    }

    /** New recordings and idle rooms follow a changed configuration; nothing restarts. */
    @Modified
    void modified(MediaServersConfig config) {
        recordingsUri = recordingsUri(config.recordings_uri());
        emptyRoomGrace = Duration.ofSeconds(Math.max(0, config.empty_room_grace_seconds()));
    }

    /** Closes every participant with 1012 and releases every room's media before the bundle goes. */
    @Deactivate
    public void deactivate() {
        servers.listen(null, null);
        lifecycle.shutdownNow();
        for (MediaRoom room : rooms.values()) {
            room.closeAll(SocketCloseCodes.RESTARTING, "restarting");
        }
        rooms.clear();
    }

    /** The room's media state on this node, made on first use; {@code ROOM_NOT_FOUND} when there is no such room. */
    public MediaRoom room(long tenantId, long roomId) {
        RoomKey key = new RoomKey(tenantId, roomId);
        MediaRoom room = rooms.get(key);
        if (room != null) {
            return room;
        }
        Room found = roomService.find(tenantId, roomId).orElseThrow(
                () -> new EdamameException(CoreErrorCode.ROOM_NOT_FOUND, "No room " + roomId));
        return rooms.computeIfAbsent(key, k -> new MediaRoom(found, this));
    }

    /** The room if this node carries its media now. */
    public Optional<MediaRoom> existing(long tenantId, long roomId) {
        return Optional.ofNullable(rooms.get(new RoomKey(tenantId, roomId)));
    }

    public Set<String> ownedPipelines() {
        return Set.copyOf(ownedPipelines);
    }

    // ---- core events ----------------------------------------------------------------------------

    @Override
    public void handleEvent(Event event) {
        String topic = event.getTopic();
        Object tenant = event.getProperty(EdamameEvents.TENANT_ID);
        if (!(tenant instanceof Long tenantId)) {
            return;
        }
        Object room = event.getProperty(EdamameEvents.ROOM_ID);
        long roomId = room instanceof Long id ? id : 0;
        switch (topic) {
            case EdamameEvents.ROOM_STARTED -> lifecycle.execute(() -> roomStarted(tenantId, roomId));
            case EdamameEvents.ROOM_ENDED -> lifecycle.execute(
                    () -> remove(tenantId, roomId, SocketCloseCodes.ROOM_ENDED, "ROOM_ENDED"));
            case EdamameEvents.ROOM_DELETED -> lifecycle.execute(
                    () -> remove(tenantId, roomId, SocketCloseCodes.NOT_FOUND, CoreErrorCode.ROOM_NOT_FOUND.name()));
            case EdamameEvents.PLUGIN_DISABLED -> {
                if (MediaSettings.PLUGIN_ID.equals(event.getProperty(EdamameEvents.PLUGIN_ID))) {
                    lifecycle.execute(() -> closeTenant(tenantId, CoreErrorCode.PLUGIN_DISABLED.name()));
                }
            }
            case EdamameEvents.TENANT_STATUS_CHANGED -> {
                if (!TenantStatus.ACTIVE.name().equals(event.getProperty(EdamameEvents.TENANT_STATUS))) {
                    lifecycle.execute(() -> closeTenant(tenantId, CoreErrorCode.TENANT_SUSPENDED.name()));
                }
            }
            default -> {
            }
        }
    }

    private void roomStarted(long tenantId, long roomId) {
        if (!plugins.isEnabled(tenantId, MediaSettings.PLUGIN_ID)) {
            return;
        }
        try {
            MediaRoom room = room(tenantId, roomId);
            room.started();
        } catch (EdamameException e) {
            LOG.debug("MEDIA: room {}/{} started but is gone: {}", tenantId, roomId, e.getMessage());
        }
    }

    private void remove(long tenantId, long roomId, int closeCode, String reason) {
        MediaRoom room = rooms.remove(new RoomKey(tenantId, roomId));
        if (room != null) {
            room.ended(closeCode, reason);
        }
    }

    private void closeTenant(long tenantId, String reason) {
        for (MediaRoom room : List.copyOf(rooms.values())) {
            if (room.key.tenantId() == tenantId) {
                rooms.remove(room.key, room);
                room.closeAll(SocketCloseCodes.FORBIDDEN, reason);
            }
        }
    }

    private void releaseIdleRooms() {
        releaseIdleRooms(emptyRoomGrace);
    }

    /** Releases the rooms empty for longer than {@code grace}; the timer passes the configured grace. */
    void releaseIdleRooms(Duration grace) {
        Instant now = clock.instant();
        for (MediaRoom room : List.copyOf(rooms.values())) {
            try {
                if (room.releaseIfIdle(now, grace)) {
                    rooms.remove(room.key, room);
                }
            } catch (RuntimeException e) {
                LOG.warn("MEDIA: releasing idle room {} failed: {}", room.key, e.toString());
            }
        }
    }

    // ---- media servers --------------------------------------------------------------------------

    @Override
    public void serverAvailable(MediaServer server) {
        lifecycle.execute(() -> {
            for (MediaRoom room : List.copyOf(rooms.values())) {
                room.rebuild();
            }
        });
    }

    @Override
    public void serverInterrupted(MediaServer server) {
        lifecycle.execute(() -> rooms.values().forEach(room -> room.mediaInterrupted(server)));
    }

    @Override
    public void serverResumed(MediaServer server) {
        lifecycle.execute(() -> rooms.values().forEach(room -> room.mediaResumed(server)));
    }

    @Override
    public void serverLost(MediaServer server) {
        lifecycle.execute(() -> {
            for (MediaRoom room : List.copyOf(rooms.values())) {
                room.mediaLost(server);
            }
        });
    }

    // ---- RoomServices ---------------------------------------------------------------------------

    @Override
    public MediaServer pickServer() {
        return servers.pick();
    }

    @Override
    public String nodeId() {
        return servers.nodeId();
    }

    @Override
    public void ownPipeline(String pipelineId, boolean owned) {
        if (owned) {
            ownedPipelines.add(pipelineId);
        } else {
            ownedPipelines.remove(pipelineId);
        }
    }

    @Override
    public int maxSpeakers(long tenantId) {
        return MediaSettings.maxSpeakers(plugins.settings(tenantId, MediaSettings.PLUGIN_ID));
    }

    @Override
    public boolean records(long tenantId) {
        return MediaSettings.recording(plugins.settings(tenantId, MediaSettings.PLUGIN_ID));
    }

    @Override
    public RecordingTarget beginRecording(RoomKey room, String mediaProfile, Instant startedAt) {
        int segment = store.nextSegment(room.tenantId(), room.roomId());
        long id = store.begin(room.tenantId(), room.roomId(), segment, mediaProfile, startedAt, servers.nodeId());
        String uri = recordingsUri + "/" + room.tenantId() + "/" + room.roomId() + "/" + id + ".webm";
        store.setUri(id, uri);
        localPath(uri).ifPresent(path -> {
            try {
                // Kurento creates the file, not its folders.
                Files.createDirectories(path.getParent());
            } catch (IOException e) {
                LOG.warn("MEDIA: cannot create the folder of {}: {}", path, e.toString());
            }
        });
        return new RecordingTarget(id, uri);
    }

    @Override
    public void finishRecording(RoomKey room, long recordingId, RecordingStatus status, String error) {
        Recording recording = store.find(recordingId).orElse(null);
        if (recording == null) {
            return;
        }
        Long size = localPath(recording.uri()).filter(Files::isRegularFile).map(MediaRooms::sizeOf).orElse(null);
        store.finish(recording, status, clock.instant(), size, error);
        if (status != RecordingStatus.FAILED) {
            events.postEvent(new Event(MediaEvents.RECORDING_READY, Map.of(
                    EdamameEvents.TENANT_ID, room.tenantId(),
                    EdamameEvents.ROOM_ID, room.roomId(),
                    MediaEvents.RECORDING_ID, recordingId)));
        }
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    /** The file behind a {@code file:} URI, when this node can see it. */
    public static Optional<Path> localPath(String uri) {
        if (uri == null || !uri.startsWith("file:")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(URI.create(uri)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Long sizeOf(Path path) {
        try {
            return Files.size(path);
        } catch (IOException e) {
            return null;
        }
    }

    private void closeRecordingsOfEarlierRun() {
        try {
            for (Recording left : store.recordingOn(servers.nodeId())) {
                LOG.info("MEDIA: recording {} of room {} was cut by a restart of this node", left.id(), left.roomId());
                finishRecording(new RoomKey(left.tenantId(), left.roomId()), left.id(), RecordingStatus.INTERRUPTED,
                        "node restarted");
            }
        } catch (RuntimeException e) {
            LOG.warn("MEDIA: closing the recordings of an earlier run failed: {}", e.toString());
        }
    }

    private static String recordingsUri(String configured) {
        String uri = configured == null || configured.isBlank()
                ? Path.of(System.getProperty("karaf.data", System.getProperty("java.io.tmpdir")), "edamame", "recordings")
                        .toUri().toString()
                : configured.trim();
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }
}
