package io.edamame.slides.impl;

import static io.edamame.core.testing.Errors.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edamame.core.api.Caller;
import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameEvents;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.Room;
import io.edamame.core.api.TenantRole;
import io.edamame.core.testing.CoreServices;
import io.edamame.core.testing.DatabaseKind;
import io.edamame.core.testing.DatabaseTest;
import io.edamame.slides.api.PageTurn;
import io.edamame.slides.api.SlideDeck;
import io.edamame.slides.api.SlideErrorCode;
import io.edamame.slides.api.SlideEvents;
import io.edamame.slides.testing.Rows;
import io.edamame.slides.testing.TestPdfs;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.event.Event;

/** The slide service on the core's services and a real database: each kind of database runs every test. */
abstract class SlideServiceTestBase extends DatabaseTest {

    @TempDir
    static Path storage;

    SlidesWorld world;
    SlidesWorld.Tenant tenant;

    SlideServiceTestBase(DatabaseKind kind) {
        super(kind);
    }

    @BeforeAll
    void wire() {
        if (core != null) {
            world = new SlidesWorld(core, storage);
        }
    }

    @BeforeEach
    void newTenant() {
        world.configure(world.settings(20L * 1024 * 1024, 300, SlidesWorld.WIDTH));
        world.events.clear();
        world.clock.advance(Duration.between(world.clock.instant(), CoreServices.NOW));
        tenant = world.tenant();
    }

    SlideDeck upload(Caller caller, Room room, byte[] pdf) {
        return world.slides.upload(caller, tenant.id(), room.id(), "talk.pdf", new ByteArrayInputStream(pdf));
    }

    List<Event> turned() {
        return world.events.of(SlideEvents.PAGE_TURNED);
    }

    /** Nothing of a refused upload is left: no row, no file, no event. */
    void assertNothingLeft(Room room) {
        assertEquals(0, world.rows(tenant.id(), room.id()), "rows");
        assertEquals(List.of(), world.roomFiles(tenant.id(), room.id()), "page files");
        assertEquals(List.of(), world.stagingFiles(), "staging files");
        assertEquals(List.of(), turned(), "events");
    }

    // --- uploads ------------------------------------------------------------------------------------------

    @Test
    void anUploadRendersEveryPageAndShowsPageOne() throws Exception {
        Room room = world.room(tenant);
        byte[] pdf = TestPdfs.a4(3);

        SlideDeck deck = upload(tenant.host(), room, pdf);

        assertEquals(3, deck.pageCount());
        assertEquals("talk.pdf", deck.fileName());
        assertEquals(pdf.length, deck.sizeBytes());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(pdf)), deck.sha256());
        assertEquals(tenant.host().userId(), deck.uploadedBy());
        assertEquals(SlidesWorld.WIDTH, deck.renderWidth());
        assertEquals(deck, world.slides.currentDeck(tenant.id(), room.id()).orElseThrow());
        assertEquals(deck, world.slides.deck(tenant.id(), room.id(), deck.id()).orElseThrow());

        List<String> files = world.roomFiles(tenant.id(), room.id());
        String dir = tenant.id() + "/" + room.id() + "/" + deck.id() + "/";
        assertEquals(List.of(dir + "page-0001.png", dir + "page-0002.png", dir + "page-0003.png"), files);
        for (int page = 1; page <= 3; page++) {
            BufferedImage image = ImageIO.read(world.slides.pageImage(tenant.id(), room.id(), deck.id(), page).orElseThrow().toFile());
            assertEquals(SlidesWorld.WIDTH, image.getWidth());
            assertEquals(SlidesWorld.WIDTH * 841.89 / 595.28, image.getHeight(), 1.0, "A4 keeps its aspect");
        }
        assertTrue(world.slides.pageImage(tenant.id(), room.id(), deck.id(), 4).isEmpty());
        assertEquals(List.of(), world.stagingFiles(), "the upload's work is cleaned up");

        PageTurn current = world.slides.currentPage(tenant.id(), room.id()).orElseThrow();
        assertEquals(new PageTurn(tenant.id(), room.id(), deck.id(), 1, null, CoreServices.NOW), current);
        assertEquals(List.of(), world.slides.timeline(tenant.id(), room.id()), "not live yet");

        Event event = turned().get(0);
        assertEquals(1, turned().size());
        assertEquals(tenant.id(), event.getProperty(SlideEvents.TENANT_ID));
        assertEquals(tenant.id(), event.getProperty(EdamameEvents.TENANT_ID), "the core's property names");
        assertEquals(room.id(), event.getProperty(SlideEvents.ROOM_ID));
        assertEquals(deck.id(), event.getProperty(SlideEvents.DECK_ID));
        assertEquals(1, event.getProperty(SlideEvents.PAGE));
        assertEquals(3, event.getProperty(SlideEvents.PAGE_COUNT));
        assertEquals(true, event.getProperty(SlideEvents.NEW_DECK));
        assertEquals(CoreServices.NOW.toEpochMilli(), event.getProperty(SlideEvents.AT_MS));
        assertFalse(event.containsProperty(SlideEvents.OFFSET_MS), "no offset before the live");
        assertEquals(List.of(), world.events.sentTopics(), "posted, never sent synchronously");
    }

    @Test
    void aTenantAdminMayUploadToAnyRoomOfTheTenant() {
        Room room = world.room(tenant);
        assertEquals(tenant.admin().userId(), upload(tenant.admin(), room, TestPdfs.a4(1)).uploadedBy());
    }

    @Test
    void aPdfWithOnlyAnOwnerPasswordOpensLikeInAnyReader() {
        Room room = world.room(tenant);
        assertEquals(2, upload(tenant.host(), room, TestPdfs.ownerPasswordOnly()).pageCount());
    }

    @Test
    void fileNamesLoseTheirDirectoriesAndControlCharacters() {
        Room room = world.room(tenant);
        SlideDeck deck = world.slides.upload(tenant.host(), tenant.id(), room.id(), "C:\\talks\\../q3\u0007.pdf",
                new ByteArrayInputStream(TestPdfs.a4(1)));
        assertEquals("q3.pdf", deck.fileName());
        SlideDeck unnamed = world.slides.upload(tenant.host(), tenant.id(), room.id(), null,
                new ByteArrayInputStream(TestPdfs.a4(1)));
        assertEquals("slides.pdf", unnamed.fileName());
    }

    @Test
    void aBodyThatIsNotAPdfIsRefusedAndLeavesNothing() {
        Room room = world.room(tenant);
        assertError(SlideErrorCode.NOT_A_PDF, () -> upload(tenant.host(), room, "GIF89a not a pdf".getBytes()));
        assertError(SlideErrorCode.NOT_A_PDF, () -> upload(tenant.host(), room, new byte[0]));
        assertNothingLeft(room);
    }

    @Test
    void aDamagedPdfIsRefusedAndLeavesNothing() {
        Room room = world.room(tenant);
        EdamameException e = assertError(SlideErrorCode.INVALID_PDF, () -> upload(tenant.host(), room, TestPdfs.damaged()));
        assertEquals(Map.of("reason", "DAMAGED"), e.details());
        assertNothingLeft(room);
    }

    @Test
    void aPasswordProtectedPdfIsRefusedAndLeavesNothing() {
        Room room = world.room(tenant);
        EdamameException e = assertError(SlideErrorCode.INVALID_PDF,
                () -> upload(tenant.host(), room, TestPdfs.encrypted("user-secret")));
        assertEquals(Map.of("reason", "ENCRYPTED"), e.details());
        assertNothingLeft(room);
    }

    @Test
    void aPdfWithoutPagesIsRefused() {
        Room room = world.room(tenant);
        EdamameException e = assertError(SlideErrorCode.INVALID_PDF, () -> upload(tenant.host(), room, TestPdfs.noPages()));
        assertEquals(Map.of("reason", "NO_PAGES"), e.details());
        assertNothingLeft(room);
    }

    @Test
    void tooManyPagesAreRefusedBeforeRenderingAndLeaveNothing() {
        world.configure(world.settings(20L * 1024 * 1024, 4, SlidesWorld.WIDTH));
        Room room = world.room(tenant);
        EdamameException e = assertError(SlideErrorCode.TOO_MANY_PAGES, () -> upload(tenant.host(), room, TestPdfs.a4(5)));
        assertEquals(Map.of("pages", 5, "maxPages", 4), e.details());
        assertNothingLeft(room);
        assertEquals(4, upload(tenant.host(), room, TestPdfs.a4(4)).pageCount(), "the limit itself is allowed");
    }

    @Test
    void anOversizedUploadIsRefusedWhileReadingAndLeavesNothing() {
        world.configure(world.settings(4096, 300, SlidesWorld.WIDTH));
        Room room = world.room(tenant);
        CountingStream endless = CountingStream.endlessPdf();
        assertError(SlideErrorCode.PDF_TOO_LARGE,
                () -> world.slides.upload(tenant.host(), tenant.id(), room.id(), "big.pdf", endless));
        assertTrue(endless.read <= 4096 + 1, "read " + endless.read + " bytes of an endless body");
        assertNothingLeft(room);
    }

    @Test
    void anUploadRefusedForTheCallerOrTheRoomReadsNothing() {
        Room room = world.room(tenant);
        Room video = world.videoRoom(tenant);
        SlidesWorld.Tenant other = world.tenant();
        CountingStream body = CountingStream.endlessPdf();

        assertError(CoreErrorCode.FORBIDDEN,
                () -> world.slides.upload(tenant.member(), tenant.id(), room.id(), null, body));
        assertError(SlideErrorCode.NOT_A_SLIDES_ROOM,
                () -> world.slides.upload(tenant.host(), tenant.id(), video.id(), null, body));
        assertError(CoreErrorCode.ROOM_NOT_FOUND,
                () -> world.slides.upload(other.admin(), tenant.id(), room.id(), null, body));
        assertError(CoreErrorCode.ROOM_NOT_FOUND,
                () -> world.slides.upload(other.admin(), other.id(), room.id(), null, body));
        assertError(CoreErrorCode.UNAUTHENTICATED, () -> world.slides.upload(null, tenant.id(), room.id(), null, body));
        world.enablePlugin(tenant.id(), false);
        assertError(CoreErrorCode.PLUGIN_DISABLED,
                () -> world.slides.upload(tenant.host(), tenant.id(), room.id(), null, body));

        assertEquals(0, body.read, "refused before reading the body");
        assertNothingLeft(room);
        assertNothingLeft(video);
    }

    @Test
    void anEndedRoomTakesNoMoreSlides() {
        Room room = world.room(tenant);
        upload(tenant.host(), room, TestPdfs.a4(2));
        core.rooms.start(tenant.id(), room.id());
        core.rooms.end(tenant.id(), room.id());
        world.events.clear();

        assertError(SlideErrorCode.ROOM_ENDED, () -> upload(tenant.host(), room, TestPdfs.a4(1)));
        assertError(SlideErrorCode.ROOM_ENDED, () -> world.slides.turnPage(tenant.host(), tenant.id(), room.id(), 2));
        assertEquals(1, world.slides.currentPage(tenant.id(), room.id()).orElseThrow().page());
        assertEquals(List.of(), turned());
    }

    @Test
    void aNewDeckBeforeTheLiveReplacesTheOldOneWhoseFilesGo() {
        Room room = world.room(tenant);
        SlideDeck first = upload(tenant.host(), room, TestPdfs.a4(2));
        world.slides.turnPage(tenant.host(), tenant.id(), room.id(), 2);
        SlideDeck second = upload(tenant.host(), room, TestPdfs.a4(3));

        assertEquals(second, world.slides.currentDeck(tenant.id(), room.id()).orElseThrow());
        assertEquals(1, world.slides.currentPage(tenant.id(), room.id()).orElseThrow().page(), "a new deck shows page 1");
        assertTrue(world.slides.deck(tenant.id(), room.id(), first.id()).isEmpty(), "nothing shows the old deck");
        assertTrue(world.roomFiles(tenant.id(), room.id()).stream().noneMatch(f -> f.contains("/" + first.id() + "/")));
        assertEquals(3, world.roomFiles(tenant.id(), room.id()).size());
    }

    // --- turns --------------------------------------------------------------------------------------------

    @Test
    void turnsBeforeTheLiveSetTheCurrentPageOnly() {
        Room room = world.room(tenant);
        SlideDeck deck = upload(tenant.host(), room, TestPdfs.a4(3));
        world.events.clear();
        world.clock.advance(Duration.ofSeconds(5));

        PageTurn turn = world.slides.turnPage(tenant.host(), tenant.id(), room.id(), 3);

        assertEquals(new PageTurn(tenant.id(), room.id(), deck.id(), 3, null, CoreServices.NOW.plusSeconds(5)), turn);
        assertEquals(turn, world.slides.currentPage(tenant.id(), room.id()).orElseThrow());
        assertEquals(List.of(), world.slides.timeline(tenant.id(), room.id()));
        assertEquals(0, Rows.count(core.dataSource, "slide_page_turn", tenant.id(), room.id()));
        Event event = turned().get(0);
        assertEquals(3, event.getProperty(SlideEvents.PAGE));
        assertEquals(false, event.getProperty(SlideEvents.NEW_DECK));
        assertFalse(event.containsProperty(SlideEvents.OFFSET_MS));
    }

    @Test
    void turnsDuringTheLiveFormTheTimelineWithTheirOffsets() {
        Room room = world.room(tenant);
        SlideDeck deck = upload(tenant.host(), room, TestPdfs.a4(4));
        world.slides.turnPage(tenant.host(), tenant.id(), room.id(), 2);
        Room live = core.rooms.start(tenant.id(), room.id());
        Instant start = live.startedAt();
        world.events.clear();

        world.clock.advance(Duration.ofSeconds(90));
        PageTurn third = world.slides.turnPage(tenant.host(), tenant.id(), room.id(), 3);
        world.clock.advance(Duration.ofMillis(1500));
        PageTurn back = world.slides.turnPage(tenant.admin(), tenant.id(), room.id(), 1);

        assertEquals(90_000L, third.offsetMs());
        assertEquals(91_500L, back.offsetMs());
        assertEquals(List.of(
                new PageTurn(tenant.id(), room.id(), deck.id(), 2, 0L, start),
                third, back), world.slides.timeline(tenant.id(), room.id()), "the page shown at the start comes first");
        assertEquals(List.of(90_000L, 91_500L), turned().stream().map(e -> e.getProperty(SlideEvents.OFFSET_MS)).toList());
        assertEquals(List.of(4, 4), turned().stream().map(e -> e.getProperty(SlideEvents.PAGE_COUNT)).toList());

        core.rooms.end(tenant.id(), room.id());
        assertEquals(3, world.slides.timeline(tenant.id(), room.id()).size(), "the replay keeps it");
    }

    @Test
    void turningToThePageShownChangesNothing() {
        Room room = world.room(tenant);
        upload(tenant.host(), room, TestPdfs.a4(2));
        core.rooms.start(tenant.id(), room.id());
        world.clock.advance(Duration.ofSeconds(10));
        world.slides.turnPage(tenant.host(), tenant.id(), room.id(), 2);
        world.events.clear();
        world.clock.advance(Duration.ofSeconds(10));

        PageTurn again = world.slides.turnPage(tenant.host(), tenant.id(), room.id(), 2);

        assertEquals(10_000L, again.offsetMs(), "the turn that showed it");
        assertEquals(2, world.slides.timeline(tenant.id(), room.id()).size());
        assertEquals(List.of(), turned());
    }

    @Test
    void aLiveThatNeverTurnedShowsThePageSetBeforeItFromItsStart() {
        Room room = world.room(tenant);
        SlideDeck deck = upload(tenant.host(), room, TestPdfs.a4(3));
        world.slides.turnPage(tenant.host(), tenant.id(), room.id(), 2);
        Room live = core.rooms.start(tenant.id(), room.id());

        List<PageTurn> expected = List.of(new PageTurn(tenant.id(), room.id(), deck.id(), 2, 0L, live.startedAt()));
        assertEquals(expected, world.slides.timeline(tenant.id(), room.id()));
        core.rooms.end(tenant.id(), room.id());
        assertEquals(expected, world.slides.timeline(tenant.id(), room.id()));
        assertEquals(List.of(deck), world.slides.timelineDecks(tenant.id(), room.id(), expected));
    }

    @Test
    void aNewDeckDuringTheLiveJoinsTheTimelineAndTheOldDeckStaysForTheReplay() {
        Room room = world.room(tenant);
        SlideDeck first = upload(tenant.host(), room, TestPdfs.a4(2));
        core.rooms.start(tenant.id(), room.id());
        world.clock.advance(Duration.ofSeconds(10));
        world.slides.turnPage(tenant.host(), tenant.id(), room.id(), 2);
        world.clock.advance(Duration.ofSeconds(10));
        world.events.clear();

        SlideDeck second = upload(tenant.host(), room, TestPdfs.a4(3));

        List<PageTurn> timeline = world.slides.timeline(tenant.id(), room.id());
        assertEquals(List.of(first.id() + "/1@0", first.id() + "/2@10000", second.id() + "/1@20000"),
                timeline.stream().map(t -> t.deckId() + "/" + t.page() + "@" + t.offsetMs()).toList());
        assertEquals(List.of(first, second), world.slides.timelineDecks(tenant.id(), room.id(), timeline));
        assertTrue(world.slides.pageImage(tenant.id(), room.id(), first.id(), 2).isPresent(), "the replay still shows it");
        Event event = turned().get(0);
        assertEquals(20_000L, event.getProperty(SlideEvents.OFFSET_MS));
        assertEquals(true, event.getProperty(SlideEvents.NEW_DECK));
        assertEquals(second.id(), event.getProperty(SlideEvents.DECK_ID));
    }

    @Test
    void turnsAreForTheHostAndAdminsToPagesOfTheDeck() {
        Room room = world.room(tenant);
        Room video = world.videoRoom(tenant);
        SlidesWorld.Tenant other = world.tenant();
        assertError(SlideErrorCode.NO_DECK, () -> world.slides.turnPage(tenant.host(), tenant.id(), room.id(), 1));
        upload(tenant.host(), room, TestPdfs.a4(3));
        world.events.clear();

        assertError(SlideErrorCode.PAGE_OUT_OF_RANGE, () -> world.slides.turnPage(tenant.host(), tenant.id(), room.id(), 4));
        assertError(SlideErrorCode.PAGE_OUT_OF_RANGE, () -> world.slides.turnPage(tenant.host(), tenant.id(), room.id(), 0));
        assertError(CoreErrorCode.FORBIDDEN, () -> world.slides.turnPage(tenant.member(), tenant.id(), room.id(), 2));
        assertError(CoreErrorCode.ROOM_NOT_FOUND, () -> world.slides.turnPage(other.admin(), tenant.id(), room.id(), 2));
        assertError(CoreErrorCode.ROOM_NOT_FOUND,
                () -> world.slides.turnPage(tenant.host(), tenant.id(), room.id() + 1_000_000, 2));
        assertError(SlideErrorCode.NOT_A_SLIDES_ROOM, () -> world.slides.turnPage(tenant.host(), tenant.id(), video.id(), 1));
        world.enablePlugin(tenant.id(), false);
        assertError(CoreErrorCode.PLUGIN_DISABLED, () -> world.slides.turnPage(tenant.host(), tenant.id(), room.id(), 2));

        assertEquals(1, world.slides.currentPage(tenant.id(), room.id()).orElseThrow().page());
        assertEquals(List.of(), turned());
    }

    @Test
    void aCallerWithAnotherTenantsIdIsNotTrustedForThisTenant() {
        Room room = world.room(tenant);
        upload(tenant.host(), room, TestPdfs.a4(2));
        // The same user id as the host, but a token of another tenant: the room is unknown there.
        Caller impostor = new Caller(tenant.id() + 1_000_000, "other", tenant.host().userId(), TenantRole.TENANT_ADMIN);
        assertError(CoreErrorCode.ROOM_NOT_FOUND, () -> world.slides.turnPage(impostor, tenant.id(), room.id(), 2));
    }

    @Test
    void readsAreScopedToTheTenant() {
        Room room = world.room(tenant);
        SlideDeck deck = upload(tenant.host(), room, TestPdfs.a4(1));
        SlidesWorld.Tenant other = world.tenant();
        assertTrue(world.slides.currentDeck(other.id(), room.id()).isEmpty());
        assertTrue(world.slides.deck(other.id(), room.id(), deck.id()).isEmpty());
        assertTrue(world.slides.currentPage(other.id(), room.id()).isEmpty());
        assertTrue(world.slides.pageImage(other.id(), room.id(), deck.id(), 1).isEmpty());
        assertError(CoreErrorCode.ROOM_NOT_FOUND, () -> world.slides.timeline(other.id(), room.id()));
    }

    @Test
    void aDeletedRoomLosesItsSlides() {
        Room room = world.room(tenant);
        upload(tenant.host(), room, TestPdfs.a4(2));
        core.rooms.delete(tenant.id(), room.id());
        new RoomDeletions(world.slides).handleEvent(new Event(EdamameEvents.ROOM_DELETED,
                Map.of(EdamameEvents.TENANT_ID, tenant.id(), EdamameEvents.ROOM_ID, room.id())));
        assertEquals(0, world.rows(tenant.id(), room.id()));
        assertEquals(List.of(), world.roomFiles(tenant.id(), room.id()));
    }

    /** A PDF header, then zeros for ever; counts what was read. */
    static final class CountingStream extends InputStream {
        long read;

        static CountingStream endlessPdf() {
            return new CountingStream();
        }

        @Override
        public int read() {
            return read++ < 5 ? "%PDF-".charAt((int) read - 1) : 0;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            for (int i = 0; i < len; i++) {
                b[off + i] = (byte) read();
            }
            return len;
        }
    }
}
