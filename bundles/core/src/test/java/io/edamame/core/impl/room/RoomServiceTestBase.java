package io.edamame.core.impl.room;

import static io.edamame.core.testing.CoreServices.NOW;
import static io.edamame.core.testing.Errors.assertError;
import static io.edamame.core.testing.Errors.assertFieldErrors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameEvents;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.PageRequest;
import io.edamame.core.api.ReplayAccess;
import io.edamame.core.api.Room;
import io.edamame.core.api.RoomAccess;
import io.edamame.core.api.RoomChanges;
import io.edamame.core.api.RoomQuery;
import io.edamame.core.api.RoomStatus;
import io.edamame.core.api.RoomType;
import io.edamame.core.api.Tenant;
import io.edamame.core.api.User;
import io.edamame.core.testing.DatabaseKind;
import io.edamame.core.testing.DatabaseTest;
import io.edamame.core.testing.RoomDrafts;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

/** {@link RoomServiceImpl} on a real database; run by {@link RoomServiceH2Test} and {@link RoomServicePostgresTest}. */
abstract class RoomServiceTestBase extends DatabaseTest {

    private static final RoomChanges NO_CHANGES =
            new RoomChanges(null, null, null, null, null, null, null, null, null, null);

    private Tenant tenant;
    private User host;

    RoomServiceTestBase(DatabaseKind kind) {
        super(kind);
    }

    @BeforeEach
    void newTenant() {
        var created = core.newTenant();
        tenant = created.tenant();
        host = created.admin();
        core.events.clear();
    }

    private RoomDrafts draft() {
        return RoomDrafts.hostedBy(host.id());
    }

    private Room create(RoomDrafts draft) {
        return core.rooms.create(tenant.id(), draft.build());
    }

    private Room get(Room room) {
        return core.rooms.get(tenant.id(), room.id());
    }

    private static void assertRoomEvent(Event event, Room room, RoomStatus status) {
        assertEquals(room.tenantId(), event.getProperty(EdamameEvents.TENANT_ID));
        assertEquals(room.id(), event.getProperty(EdamameEvents.ROOM_ID));
        assertEquals(status.name(), event.getProperty(EdamameEvents.ROOM_STATUS));
    }

    // ---- create and get

    @Test
    void createsAScheduledRoom() {
        Room room = create(draft().title("  Physics 101  ").description("Waves").coverUrl("https://img.example/c.png")
                .tags("science", "school").type(RoomType.VIDEO_INTERACTIVE).startingInHours(2));

        assertEquals(tenant.id(), room.tenantId());
        assertEquals("Physics 101", room.title());
        assertEquals("Waves", room.description());
        assertEquals("https://img.example/c.png", room.coverUrl());
        assertEquals(List.of("science", "school"), room.tags());
        assertEquals(RoomType.VIDEO_INTERACTIVE, room.type());
        assertEquals(RoomStatus.SCHEDULED, room.status());
        assertEquals(RoomAccess.PUBLIC, room.access());
        assertEquals(ReplayAccess.AS_LIVE, room.replayAccess());
        assertFalse(room.passwordProtected());
        assertEquals(NOW.plusSeconds(7200), room.scheduledStart());
        assertEquals(host.id(), room.hostUserId());
        assertNull(room.startedAt());
        assertNull(room.endedAt());
        assertEquals(NOW, room.createdAt());
        assertEquals(room, get(room));
        assertRoomEvent(core.events.single(EdamameEvents.ROOM_CREATED), room, RoomStatus.SCHEDULED);
    }

    @Test
    void refusesAnInvalidDraftWithEveryFailingField() {
        List<String> elevenTags = IntStream.range(0, 11).mapToObj(i -> "tag" + i).toList();

        assertFieldErrors(CoreErrorCode.VALIDATION_FAILED, Set.of("title", "tags", "type", "scheduledStart"),
                () -> create(draft().title(" ").tags(elevenTags).type(null).scheduledStart(null)));
        assertFieldErrors(CoreErrorCode.VALIDATION_FAILED, Set.of("tags"), () -> create(draft().tags("a,b")));
        assertFieldErrors(CoreErrorCode.VALIDATION_FAILED, Set.of("title"), () -> create(draft().title("t".repeat(201))));
        assertFieldErrors(CoreErrorCode.VALIDATION_FAILED, Set.of("access"), () -> create(draft().access(null)));

        assertEquals(0, core.rooms.list(tenant.id(), RoomQuery.ALL, PageRequest.first(10)).total());
        assertEquals(List.of(), core.events.topics());
    }

    @Test
    void refusesAHostWhoIsNotAUserOfTheTenant() {
        assertFieldErrors(CoreErrorCode.VALIDATION_FAILED, Set.of("hostUserId"),
                () -> core.rooms.create(tenant.id(), RoomDrafts.hostedBy(Long.MAX_VALUE).build()));
    }

    @Test
    void unknownRoomsAreNotFound() {
        long unknown = Long.MAX_VALUE;

        assertTrue(core.rooms.find(tenant.id(), unknown).isEmpty());
        assertError(CoreErrorCode.ROOM_NOT_FOUND, () -> core.rooms.get(tenant.id(), unknown));
        assertError(CoreErrorCode.ROOM_NOT_FOUND, () -> core.rooms.update(tenant.id(), unknown, NO_CHANGES));
        assertError(CoreErrorCode.ROOM_NOT_FOUND, () -> core.rooms.delete(tenant.id(), unknown));
        assertError(CoreErrorCode.ROOM_NOT_FOUND, () -> core.rooms.start(tenant.id(), unknown));
        assertError(CoreErrorCode.ROOM_NOT_FOUND, () -> core.rooms.end(tenant.id(), unknown));
        assertFalse(core.rooms.checkPassword(tenant.id(), unknown, "whatever"));
    }

    // ---- passwords

    @Test
    void aPasswordRoomNeedsAPassword() {
        assertFieldErrors(CoreErrorCode.VALIDATION_FAILED, Set.of("password"),
                () -> create(draft().access(RoomAccess.PASSWORD)));
        assertFieldErrors(CoreErrorCode.VALIDATION_FAILED, Set.of("password"),
                () -> create(draft().passwordProtected(" ")));
    }

    @Test
    void checksTheRoomPassword() {
        Room room = create(draft().passwordProtected("open sesame"));

        assertEquals(RoomAccess.PASSWORD, room.access());
        assertTrue(room.passwordProtected());
        assertTrue(core.rooms.checkPassword(tenant.id(), room.id(), "open sesame"));
        assertFalse(core.rooms.checkPassword(tenant.id(), room.id(), "open sesame!"));
        assertFalse(core.rooms.checkPassword(tenant.id(), room.id(), null));
    }

    @Test
    void aPublicRoomHasNoPassword() {
        Room room = create(draft());

        assertFalse(core.rooms.checkPassword(tenant.id(), room.id(), ""));
        assertFalse(core.rooms.checkPassword(tenant.id(), room.id(), "anything"));
    }

    // ---- update

    @Test
    void updatesOnlyTheGivenFields() {
        Room room = create(draft().title("Before").description("Kept").coverUrl("https://img.example/kept.png")
                .tags("kept").type(RoomType.VIDEO_INTERACTIVE).startingInHours(5));
        core.events.clear();

        Room updated = core.rooms.update(tenant.id(), room.id(),
                new RoomChanges("  After ", null, null, null, null, null, null, null, null, null));

        assertEquals("After", updated.title());
        assertEquals(withTitle(room, "After"), updated);
        assertEquals(updated, get(room));
        assertRoomEvent(core.events.single(EdamameEvents.ROOM_UPDATED), room, RoomStatus.SCHEDULED);
    }

    private static Room withTitle(Room room, String title) {
        return new Room(room.id(), room.tenantId(), title, room.description(), room.coverUrl(), room.tags(),
                room.type(), room.status(), room.access(), room.replayAccess(), room.passwordProtected(),
                room.scheduledStart(), room.hostUserId(), room.startedAt(), room.endedAt(), room.createdAt(),
                room.updatedAt());
    }

    @Test
    void updatesEveryField() {
        Room room = create(draft());
        User newHost = core.newMember(tenant.id(), "new-host");

        Room updated = core.rooms.update(tenant.id(), room.id(), new RoomChanges("New title", "New description",
                "https://img.example/new.png", List.of("new", "tags"), RoomType.VIDEO_INTERACTIVE, RoomAccess.PAID,
                ReplayAccess.FREE, null, NOW.plusSeconds(86_400), newHost.id()));

        assertEquals(new Room(room.id(), tenant.id(), "New title", "New description", "https://img.example/new.png",
                List.of("new", "tags"), RoomType.VIDEO_INTERACTIVE, RoomStatus.SCHEDULED, RoomAccess.PAID,
                ReplayAccess.FREE, false, NOW.plusSeconds(86_400), newHost.id(), null, null, NOW, NOW), updated);
        assertEquals(updated, get(room));
    }

    @Test
    void anEmptyTagListClearsTheTags() {
        Room room = create(draft().tags("a", "b"));

        core.rooms.update(tenant.id(), room.id(),
                new RoomChanges(null, null, null, List.of(), null, null, null, null, null, null));

        assertEquals(List.of(), get(room).tags());
    }

    @Test
    void refusesInvalidChangesAndKeepsTheRoom() {
        Room room = create(draft().title("Kept"));

        assertFieldErrors(CoreErrorCode.VALIDATION_FAILED, Set.of("title", "tags", "coverUrl"),
                () -> core.rooms.update(tenant.id(), room.id(), new RoomChanges(" ", null,
                        "u".repeat(1025), Collections.nCopies(11, "t"), null, null, null, null, null, null)));
        assertFieldErrors(CoreErrorCode.VALIDATION_FAILED, Set.of("hostUserId"),
                () -> core.rooms.update(tenant.id(), room.id(),
                        new RoomChanges("Changed", null, null, null, null, null, null, null, null, Long.MAX_VALUE)));

        assertEquals(room, get(room));
    }

    @Test
    void makingARoomPasswordProtectedNeedsAPassword() {
        Room room = create(draft());

        assertFieldErrors(CoreErrorCode.VALIDATION_FAILED, Set.of("password"),
                () -> core.rooms.update(tenant.id(), room.id(), accessChange(RoomAccess.PASSWORD, null)));
        assertEquals(room, get(room));

        Room locked = core.rooms.update(tenant.id(), room.id(), accessChange(RoomAccess.PASSWORD, "let me in"));

        assertTrue(locked.passwordProtected());
        assertTrue(core.rooms.checkPassword(tenant.id(), room.id(), "let me in"));
    }

    @Test
    void otherChangesKeepTheRoomPassword() {
        Room room = create(draft().passwordProtected("let me in"));

        core.rooms.update(tenant.id(), room.id(),
                new RoomChanges("Renamed", null, null, null, null, null, null, null, null, null));
        core.rooms.update(tenant.id(), room.id(), accessChange(RoomAccess.PASSWORD, null));

        assertTrue(get(room).passwordProtected());
        assertTrue(core.rooms.checkPassword(tenant.id(), room.id(), "let me in"));
    }

    @Test
    void changesAndRemovesTheRoomPassword() {
        Room room = create(draft().passwordProtected("old password"));

        core.rooms.update(tenant.id(), room.id(), accessChange(null, "new password"));

        assertFalse(core.rooms.checkPassword(tenant.id(), room.id(), "old password"));
        assertTrue(core.rooms.checkPassword(tenant.id(), room.id(), "new password"));

        Room open = core.rooms.update(tenant.id(), room.id(), accessChange(RoomAccess.PUBLIC, null));

        assertEquals(RoomAccess.PUBLIC, open.access());
        assertFalse(open.passwordProtected());
        assertFalse(core.rooms.checkPassword(tenant.id(), room.id(), "new password"));
    }

    private static RoomChanges accessChange(RoomAccess access, String password) {
        return new RoomChanges(null, null, null, null, null, access, null, password, null, null);
    }

    @Test
    void theTypeCanOnlyChangeBeforeTheRoomGoesLive() {
        Room room = create(draft().type(RoomType.AUDIO_SLIDES));
        core.rooms.start(tenant.id(), room.id());
        RoomChanges toVideo =
                new RoomChanges(null, null, null, null, RoomType.VIDEO_INTERACTIVE, null, null, null, null, null);
        RoomChanges sameType =
                new RoomChanges("Renamed", null, null, null, RoomType.AUDIO_SLIDES, null, null, null, null, null);

        assertFieldErrors(CoreErrorCode.VALIDATION_FAILED, Set.of("type"),
                () -> core.rooms.update(tenant.id(), room.id(), toVideo));

        assertEquals(RoomType.AUDIO_SLIDES, get(room).type());
        assertEquals("Renamed", core.rooms.update(tenant.id(), room.id(), sameType).title());
    }

    // ---- replay access

    @Test
    void storesTheReplayAccessOfANewRoom() {
        Room room = create(draft().access(RoomAccess.PAID).replayAccess(ReplayAccess.FREE));

        assertEquals(ReplayAccess.FREE, room.replayAccess());
        assertEquals(RoomAccess.PAID, room.access());
        assertEquals(room, get(room));
    }

    @Test
    void changesTheReplayAccessAloneAndKeepsItThroughOtherChanges() {
        Room room = create(draft().replayAccess(ReplayAccess.PAID));
        core.events.clear();

        Room free = core.rooms.update(tenant.id(), room.id(),
                new RoomChanges(null, null, null, null, null, null, ReplayAccess.FREE, null, null, null));

        assertEquals(ReplayAccess.FREE, free.replayAccess());
        assertEquals(RoomAccess.PUBLIC, free.access());
        assertRoomEvent(core.events.single(EdamameEvents.ROOM_UPDATED), room, RoomStatus.SCHEDULED);

        core.rooms.update(tenant.id(), room.id(), accessChange(RoomAccess.PASSWORD, "let me in"));
        core.rooms.start(tenant.id(), room.id());
        core.rooms.end(tenant.id(), room.id());

        assertEquals(ReplayAccess.FREE, get(room).replayAccess());
    }

    @Test
    void theReplayAccessCanChangeAfterTheLive() {
        Room room = create(draft());
        core.rooms.start(tenant.id(), room.id());
        core.rooms.end(tenant.id(), room.id());

        Room paid = core.rooms.update(tenant.id(), room.id(),
                new RoomChanges(null, null, null, null, null, null, ReplayAccess.PAID, null, null, null));

        assertEquals(ReplayAccess.PAID, paid.replayAccess());
        assertEquals(paid, get(room));
    }

    // ---- delete

    @Test
    void deletesAScheduledRoom() {
        Room room = create(draft());
        core.events.clear();

        core.rooms.delete(tenant.id(), room.id());

        assertTrue(core.rooms.find(tenant.id(), room.id()).isEmpty());
        assertRoomEvent(core.events.single(EdamameEvents.ROOM_DELETED), room, RoomStatus.SCHEDULED);
        assertError(CoreErrorCode.ROOM_NOT_FOUND, () -> core.rooms.delete(tenant.id(), room.id()));
    }

    @Test
    void deletesAnEndedRoom() {
        Room room = create(draft());
        core.rooms.start(tenant.id(), room.id());
        core.rooms.end(tenant.id(), room.id());

        core.rooms.delete(tenant.id(), room.id());

        assertTrue(core.rooms.find(tenant.id(), room.id()).isEmpty());
    }

    @Test
    void aLiveRoomCannotBeDeleted() {
        Room room = create(draft());
        Room live = core.rooms.start(tenant.id(), room.id());
        core.events.clear();

        assertError(CoreErrorCode.ILLEGAL_ROOM_TRANSITION, () -> core.rooms.delete(tenant.id(), room.id()));

        assertEquals(live, get(room));
        assertEquals(List.of(), core.events.topics());
    }

    // ---- lifecycle

    @Test
    void goesLiveThenEnds() {
        Room room = create(draft());

        Room live = core.rooms.start(tenant.id(), room.id());

        assertEquals(RoomStatus.LIVE, live.status());
        assertEquals(NOW, live.startedAt());
        assertNull(live.endedAt());
        assertEquals(live, get(room));
        assertRoomEvent(core.events.single(EdamameEvents.ROOM_STARTED), room, RoomStatus.LIVE);

        Room ended = core.rooms.end(tenant.id(), room.id());

        assertEquals(RoomStatus.ENDED, ended.status());
        assertEquals(NOW, ended.startedAt());
        assertEquals(NOW, ended.endedAt());
        assertEquals(ended, get(room));
        assertRoomEvent(core.events.single(EdamameEvents.ROOM_ENDED), room, RoomStatus.ENDED);
    }

    @Test
    void aScheduledRoomCannotEnd() {
        Room room = create(draft());

        assertIllegalTransition(room, r -> core.rooms.end(tenant.id(), r.id()), RoomStatus.SCHEDULED, RoomStatus.ENDED);
    }

    @Test
    void aLiveRoomCannotStartAgain() {
        Room room = create(draft());
        core.rooms.start(tenant.id(), room.id());

        assertIllegalTransition(room, r -> core.rooms.start(tenant.id(), r.id()), RoomStatus.LIVE, RoomStatus.LIVE);
    }

    @Test
    void anEndedRoomCannotStartOrEndAgain() {
        Room room = create(draft());
        core.rooms.start(tenant.id(), room.id());
        core.rooms.end(tenant.id(), room.id());

        assertIllegalTransition(room, r -> core.rooms.start(tenant.id(), r.id()), RoomStatus.ENDED, RoomStatus.LIVE);
        assertIllegalTransition(room, r -> core.rooms.end(tenant.id(), r.id()), RoomStatus.ENDED, RoomStatus.ENDED);
    }

    /** {@code transition} must fail with ILLEGAL_ROOM_TRANSITION, leave the room as it was and post nothing. */
    private void assertIllegalTransition(Room room, Consumer<Room> transition, RoomStatus status, RoomStatus requested) {
        Room before = get(room);
        core.events.clear();

        EdamameException e = assertError(CoreErrorCode.ILLEGAL_ROOM_TRANSITION, () -> transition.accept(room));

        assertEquals(Map.of("status", status.name(), "requested", requested.name()), e.details());
        assertEquals(before, get(room));
        assertEquals(List.of(), core.events.topics());
    }
}
