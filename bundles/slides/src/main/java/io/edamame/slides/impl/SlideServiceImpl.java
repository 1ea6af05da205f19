package io.edamame.slides.impl;

import io.edamame.core.api.Caller;
import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.PluginRegistry;
import io.edamame.core.api.Room;
import io.edamame.core.api.RoomService;
import io.edamame.core.api.RoomStatus;
import io.edamame.core.api.RoomType;
import io.edamame.slides.api.PageTurn;
import io.edamame.slides.api.SlideDeck;
import io.edamame.slides.api.SlideErrorCode;
import io.edamame.slides.api.SlideEvents;
import io.edamame.slides.api.SlideService;
import io.edamame.slides.impl.render.PdfRenderer;
import io.edamame.slides.impl.store.SlideStore;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SlideService}: checks who may do what, renders uploads ({@link PdfRenderer}) into a staging
 * directory, publishes the pages ({@link DeckFiles}), then commits the rows ({@link SlideStore}) and posts
 * {@link SlideEvents#PAGE_TURNED}. Files are published before the commit and deleted if the commit fails,
 * so a committed deck always has its pages; a replaced deck's files are deleted after the commit.
 *
 * <p>Also registered under its own class for the bundle's REST resource, which serves page images.
 */
@Component(service = {SlideService.class, SlideServiceImpl.class}, configurationPid = SlidesSettings.PID)
@Designate(ocd = SlidesConfig.class)
public class SlideServiceImpl implements SlideService {

    static final String DEFAULT_FILE_NAME = "slides.pdf";
    static final int MAX_FILE_NAME = 255;
    private static final String UPLOAD_FILE = "upload.pdf";
    private static final String PAGES_DIR = "pages";
    private static final String SCRATCH_DIR = "scratch";
    /** Staging directories this old belong to uploads that died with their node. */
    private static final Duration STALE_STAGING = Duration.ofHours(6);

    private static final Logger LOG = LoggerFactory.getLogger(SlideServiceImpl.class);

    private final RoomService rooms;
    private final PluginRegistry plugins;
    private final SlideStore store;
    private final EventAdmin events;
    private final SlidesSettings settings;
    private final Clock clock;
    private final DeckFiles files;
    private final PdfRenderer renderer;
    private final Semaphore renderers;

    @Activate
    public SlideServiceImpl(@Reference RoomService rooms, @Reference PluginRegistry plugins,
            @Reference SlideStore store, @Reference EventAdmin events, SlidesConfig config) {
        this(rooms, plugins, store, events, SlidesSettings.of(config), Clock.systemUTC());
    }

    public SlideServiceImpl(RoomService rooms, PluginRegistry plugins, SlideStore store, EventAdmin events,
            SlidesSettings settings, Clock clock) {
        this.rooms = rooms;
        this.plugins = plugins;
        this.store = store;
        this.events = events;
        this.settings = settings;
        this.clock = clock;
        this.files = new DeckFiles(settings.storageDir());
        this.renderer = new PdfRenderer(settings.renderWidth(), settings.maxPages());
        this.renderers = new Semaphore(settings.renderConcurrency(), true);
        try {
            files.prepare();
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException(SlidesSettings.PID + ": storage.dir = " + settings.storageDir()
                    + " is not a directory this node can write: " + e.getCause(), e);
        }
        files.sweepStaging(STALE_STAGING);
        LOG.info("SLIDES: pages stored in {}; uploads up to {} bytes and {} pages, rendered {} px wide",
                files.root(), settings.maxUploadBytes(), settings.maxPages(), settings.renderWidth());
    }

    public SlidesSettings settings() {
        return settings;
    }

    @Override
    public Optional<SlideDeck> currentDeck(long tenantId, long roomId) {
        return store.currentDeck(tenantId, roomId);
    }

    @Override
    public Optional<SlideDeck> deck(long tenantId, long roomId, long deckId) {
        return store.deck(tenantId, roomId, deckId);
    }

    @Override
    public Optional<PageTurn> currentPage(long tenantId, long roomId) {
        SlideStore.RoomRow row = store.room(tenantId, roomId);
        if (row.deckId() == null) {
            return Optional.empty();
        }
        return Optional.of(new PageTurn(tenantId, roomId, row.deckId(), row.page(), row.offsetMs(),
                Instant.ofEpochMilli(row.changedAtMs())));
    }

    @Override
    public PageTurn turnPage(Caller caller, long tenantId, long roomId, int page) {
        Room room = writableRoom(caller, tenantId, roomId);
        Instant now = clock.instant();
        SlideStore.Turned turned = store.turn(tenantId, roomId, page, now.toEpochMilli(), offset(room, now),
                startedAtMs(room));
        if (turned.changed()) {
            post(turned.turn(), turned.pageCount(), false);
            LOG.debug("SLIDES room {}: page {} of deck {} at offset {}", roomId, page, turned.turn().deckId(),
                    turned.turn().offsetMs());
        }
        return turned.turn();
    }

    @Override
    public SlideDeck upload(Caller caller, long tenantId, long roomId, String fileName, InputStream pdf) {
        writableRoom(caller, tenantId, roomId);
        String name = fileName(fileName);
        Path staging = files.newStaging();
        Long published = null;
        boolean committed = false;
        try {
            Path source = staging.resolve(UPLOAD_FILE);
            Upload.Spooled spooled = Upload.spool(pdf, source, settings.maxUploadBytes());
            Path pages = Files.createDirectories(staging.resolve(PAGES_DIR));
            Path scratch = Files.createDirectories(staging.resolve(SCRATCH_DIR));
            PdfRenderer.Rendered rendered = render(source, pages, scratch);

            long deckId = store.nextDeckId();
            files.publish(pages, tenantId, roomId, deckId);
            published = deckId;
            // Rendering takes a while: the live may have started, or ended, meanwhile.
            Room room = writableRoom(caller, tenantId, roomId);
            Instant now = clock.instant();
            SlideDeck deck = new SlideDeck(deckId, tenantId, roomId, name, rendered.pageCount(), spooled.sizeBytes(),
                    spooled.sha256(), rendered.width(), caller.userId(), now);
            SlideStore.Committed result = store.commitDeck(deck, offset(room, now), startedAtMs(room));
            committed = true;
            result.deletedDeckId().ifPresent(old -> files.deleteDeck(tenantId, roomId, old));
            post(result.turn(), deck.pageCount(), true);
            LOG.info("SLIDES room {}: deck {} of {} pages uploaded by user {}", roomId, deckId, deck.pageCount(),
                    caller.userId());
            return deck;
        } catch (java.io.IOException | UncheckedIOException e) {
            throw new EdamameException(CoreErrorCode.INTERNAL_ERROR, "The slides could not be stored", null, e);
        } finally {
            if (published != null && !committed) {
                files.deleteDeck(tenantId, roomId, published);
            }
            DeckFiles.deleteTree(staging);
        }
    }

    private PdfRenderer.Rendered render(Path source, Path pages, Path scratch) {
        boolean acquired;
        try {
            acquired = renderers.tryAcquire(settings.renderWaitSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EdamameException(SlideErrorCode.RENDERER_BUSY, "Interrupted while waiting for a renderer", null, e);
        }
        if (!acquired) {
            throw new EdamameException(SlideErrorCode.RENDERER_BUSY,
                    "Every renderer is busy; try again in a minute");
        }
        try {
            return renderer.render(source, pages, scratch);
        } finally {
            renderers.release();
        }
    }

    @Override
    public List<PageTurn> timeline(long tenantId, long roomId) {
        Room room = rooms.get(tenantId, roomId);
        if (room.status() == RoomStatus.SCHEDULED || room.startedAt() == null) {
            return List.of();
        }
        List<PageTurn> turns = store.timeline(tenantId, roomId);
        if (!turns.isEmpty()) {
            return turns;
        }
        // Nothing changed during the live: it showed the page set before it, from its start.
        SlideStore.RoomRow row = store.room(tenantId, roomId);
        if (row.deckId() == null || row.timelineStarted()) {
            return List.of();
        }
        return List.of(new PageTurn(tenantId, roomId, row.deckId(), row.page(), 0L, room.startedAt()));
    }

    /** The decks the room's timeline shows (the current deck alone when nothing changed during the live). */
    public List<SlideDeck> timelineDecks(long tenantId, long roomId, List<PageTurn> timeline) {
        List<SlideDeck> decks = store.timelineDecks(tenantId, roomId);
        if (decks.isEmpty() && !timeline.isEmpty()) {
            return store.deck(tenantId, roomId, timeline.get(0).deckId()).map(List::of).orElse(List.of());
        }
        return decks;
    }

    /** The image of a page of a deck of the room, if there is one. */
    public Optional<Path> pageImage(long tenantId, long roomId, long deckId, int page) {
        Optional<SlideDeck> deck = store.deck(tenantId, roomId, deckId);
        if (deck.isEmpty() || !deck.get().hasPage(page)) {
            return Optional.empty();
        }
        Path file = files.page(tenantId, roomId, deckId, page);
        if (!Files.isRegularFile(file)) {
            LOG.error("SLIDES room {}: deck {} has no image of page {} at {}; is {} shared by every node?", roomId,
                    deckId, page, file, files.root());
            return Optional.empty();
        }
        return Optional.of(file);
    }

    /** Forgets a deleted room's slides: its rows, then its files. */
    public void roomDeleted(long tenantId, long roomId) {
        List<Long> decks = store.deleteRoom(tenantId, roomId);
        files.deleteRoom(tenantId, roomId);
        if (!decks.isEmpty()) {
            LOG.info("SLIDES room {}: deleted with the room, {} decks", roomId, decks.size());
        }
    }

    DeckFiles files() {
        return files;
    }

    /**
     * Refuses, before anything is read, a caller who may not change the room's slides now.
     *
     * @throws EdamameException as {@link #turnPage}
     */
    public void requireWritable(Caller caller, long tenantId, long roomId) {
        writableRoom(caller, tenantId, roomId);
    }

    /**
     * The room, if the caller may change its slides now: the caller's own tenant, the plugin on, the room's
     * host or a tenant admin, an {@code AUDIO_SLIDES} room whose live has not ended.
     */
    private Room writableRoom(Caller caller, long tenantId, long roomId) {
        if (caller == null) {
            throw new EdamameException(CoreErrorCode.UNAUTHENTICATED, "Sign in to change slides");
        }
        if (caller.tenantId() != tenantId) {
            throw roomNotFound(roomId);
        }
        plugins.requireEnabled(tenantId, PLUGIN_ID);
        Room room = rooms.find(tenantId, roomId).orElseThrow(() -> roomNotFound(roomId));
        if (!caller.isTenantAdmin() && room.hostUserId() != caller.userId()) {
            throw new EdamameException(CoreErrorCode.FORBIDDEN, "Only the room's host or a tenant admin changes its slides");
        }
        if (room.type() != RoomType.AUDIO_SLIDES) {
            throw new EdamameException(SlideErrorCode.NOT_A_SLIDES_ROOM,
                    "Room " + roomId + " is a " + room.type() + " room; slides are for AUDIO_SLIDES rooms");
        }
        if (room.status() == RoomStatus.ENDED) {
            throw new EdamameException(SlideErrorCode.ROOM_ENDED, "The live of room " + roomId + " has ended");
        }
        return room;
    }

    private static EdamameException roomNotFound(long roomId) {
        return new EdamameException(CoreErrorCode.ROOM_NOT_FOUND, "No room " + roomId);
    }

    /** Milliseconds since the start of the live, or null when the room is not live. */
    private static Long offset(Room room, Instant now) {
        if (room.status() != RoomStatus.LIVE || room.startedAt() == null) {
            return null;
        }
        return Math.max(0, Duration.between(room.startedAt(), now).toMillis());
    }

    private static Long startedAtMs(Room room) {
        return room.startedAt() == null ? null : room.startedAt().toEpochMilli();
    }

    /** The name to show: the last path segment, without control characters, at most 255 characters. */
    static String fileName(String requested) {
        if (requested == null) {
            return DEFAULT_FILE_NAME;
        }
        String name = requested;
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        name = name.substring(slash + 1).replaceAll("\\p{Cntrl}", "").strip();
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            return DEFAULT_FILE_NAME;
        }
        if (name.length() > MAX_FILE_NAME) {
            name = name.substring(0, MAX_FILE_NAME);
        }
        return name;
    }

    private void post(PageTurn turn, int pageCount, boolean newDeck) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(SlideEvents.TENANT_ID, turn.tenantId());
        properties.put(SlideEvents.ROOM_ID, turn.roomId());
        properties.put(SlideEvents.DECK_ID, turn.deckId());
        properties.put(SlideEvents.PAGE, turn.page());
        properties.put(SlideEvents.PAGE_COUNT, pageCount);
        properties.put(SlideEvents.NEW_DECK, newDeck);
        properties.put(SlideEvents.AT_MS, turn.at().toEpochMilli());
        if (turn.offsetMs() != null) {
            properties.put(SlideEvents.OFFSET_MS, turn.offsetMs());
        }
        events.postEvent(new Event(SlideEvents.PAGE_TURNED, properties));
    }
}
