package io.edamame.core.impl.room;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edamame.core.api.Page;
import io.edamame.core.api.PageRequest;
import io.edamame.core.api.Room;
import io.edamame.core.api.RoomQuery;
import io.edamame.core.api.RoomStatus;
import io.edamame.core.api.RoomType;
import io.edamame.core.api.Tenant;
import io.edamame.core.api.User;
import io.edamame.core.testing.DatabaseKind;
import io.edamame.core.testing.DatabaseTest;
import io.edamame.core.testing.RoomDrafts;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Filters and pages of {@link RoomServiceImpl#list}, on four rooms of a new tenant with distinct
 * statuses, types, tags, titles and hosts. Run by {@link RoomListH2Test} and {@link RoomListPostgresTest}.
 */
abstract class RoomListTestBase extends DatabaseTest {

    private Tenant tenant;
    private User admin;
    private User member;
    private Room yoga;
    private Room jazz;
    private Room kidsYoga;
    private Room cooking;
    /** Every room, as listed: latest scheduled start first. */
    private List<Room> all;

    RoomListTestBase(DatabaseKind kind) {
        super(kind);
    }

    @BeforeEach
    void fourRooms() {
        var created = core.newTenant();
        tenant = created.tenant();
        admin = created.admin();
        member = core.newMember(tenant.id(), "member");
        yoga = create(RoomDrafts.hostedBy(admin.id()).title("Morning Yoga").tags("yoga", "health")
                .startingInHours(1));
        jazz = create(RoomDrafts.hostedBy(member.id()).title("Evening Jazz").tags("music")
                .type(RoomType.VIDEO_INTERACTIVE).startingInHours(2));
        kidsYoga = create(RoomDrafts.hostedBy(admin.id()).title("YOGA for kids").tags("yoga", "kids")
                .type(RoomType.VIDEO_INTERACTIVE).startingInHours(3));
        cooking = create(RoomDrafts.hostedBy(member.id()).title("Cooking 100%_off").tags("food")
                .startingInHours(4));
        kidsYoga = core.rooms.start(tenant.id(), kidsYoga.id());
        core.rooms.start(tenant.id(), cooking.id());
        cooking = core.rooms.end(tenant.id(), cooking.id());
        all = List.of(cooking, kidsYoga, jazz, yoga);
    }

    private Room create(RoomDrafts draft) {
        return core.rooms.create(tenant.id(), draft.build());
    }

    /** The rooms matching {@code query}, checking that the one page's total counts them. */
    private List<Room> list(RoomQuery query) {
        Page<Room> page = core.rooms.list(tenant.id(), query, PageRequest.first(PageRequest.MAX_SIZE));
        assertEquals(page.items().size(), page.total(), () -> "total of " + query);
        return page.items();
    }

    private static RoomQuery status(RoomStatus status) {
        return new RoomQuery(status, null, null, null, null);
    }

    private static RoomQuery type(RoomType type) {
        return new RoomQuery(null, type, null, null, null);
    }

    private static RoomQuery tag(String tag) {
        return new RoomQuery(null, null, tag, null, null);
    }

    private static RoomQuery text(String text) {
        return new RoomQuery(null, null, null, text, null);
    }

    private static RoomQuery host(User host) {
        return new RoomQuery(null, null, null, null, host.id());
    }

    private Page<Room> page(int page, int size) {
        return core.rooms.list(tenant.id(), RoomQuery.ALL, new PageRequest(page, size));
    }

    private static void assertPage(List<Room> items, long total, Page<Room> page) {
        assertEquals(items, page.items());
        assertEquals(total, page.total(), "total");
    }

    // ---- filters

    @Test
    void listsEveryRoomLatestScheduledStartFirst() {
        assertEquals(all, list(RoomQuery.ALL));
    }

    @Test
    void filtersByStatus() {
        assertEquals(List.of(jazz, yoga), list(status(RoomStatus.SCHEDULED)));
        assertEquals(List.of(kidsYoga), list(status(RoomStatus.LIVE)));
        assertEquals(List.of(cooking), list(status(RoomStatus.ENDED)));
    }

    @Test
    void filtersByType() {
        assertEquals(List.of(kidsYoga, jazz), list(type(RoomType.VIDEO_INTERACTIVE)));
        assertEquals(List.of(cooking, yoga), list(type(RoomType.AUDIO_SLIDES)));
    }

    @Test
    void filtersByWholeTag() {
        assertEquals(List.of(kidsYoga, yoga), list(tag("yoga")));
        assertEquals(List.of(yoga), list(tag("health")));
        assertEquals(List.of(), list(tag("yog")));
        assertEquals(List.of(), list(tag("Yoga")), "tags are case-sensitive");
    }

    @Test
    void tagFilterHasNoWildcards() {
        assertEquals(List.of(), list(tag("y_ga")));
        assertEquals(List.of(), list(tag("%")));
    }

    @Test
    void filtersByTitleTextIgnoringCase() {
        assertEquals(List.of(kidsYoga, yoga), list(text("yoga")));
        assertEquals(List.of(jazz), list(text("  JAZZ ")));
        assertEquals(List.of(), list(text("piano")));
        assertEquals(all, list(text("  ")), "blank text matches everything");
    }

    @Test
    void textFilterHasNoWildcards() {
        assertEquals(List.of(cooking), list(text("%")));
        assertEquals(List.of(cooking), list(text("_")));
        assertEquals(List.of(cooking), list(text("100%_")));
        assertEquals(List.of(), list(text("y_ga")));
    }

    @Test
    void filtersByHost() {
        assertEquals(List.of(cooking, jazz), list(host(member)));
        assertEquals(List.of(kidsYoga, yoga), list(host(admin)));
    }

    @Test
    void combinesFilters() {
        assertEquals(List.of(yoga), list(new RoomQuery(RoomStatus.SCHEDULED, null, "yoga", null, null)));
        assertEquals(List.of(kidsYoga),
                list(new RoomQuery(RoomStatus.LIVE, RoomType.VIDEO_INTERACTIVE, "yoga", "kids", admin.id())));
        assertEquals(List.of(), list(new RoomQuery(RoomStatus.LIVE, RoomType.AUDIO_SLIDES, null, null, null)));
    }

    // ---- pages

    @Test
    void firstPageHoldingEverything() {
        assertPage(all, 4, page(0, 10));
    }

    @Test
    void fullFirstPage() {
        assertPage(all.subList(0, 3), 4, page(0, 3));
        assertPage(all, 4, page(0, 4));
    }

    @Test
    void fullLastPage() {
        assertPage(all.subList(2, 4), 4, page(1, 2));
    }

    @Test
    void partialLastPage() {
        assertPage(all.subList(3, 4), 4, page(1, 3));
    }

    @Test
    void pastTheEnd() {
        assertPage(List.of(), 4, page(2, 2));
        assertPage(List.of(), 4, page(1, 4));
        assertPage(List.of(), 4, page(50, 100));
    }

    @Test
    void totalCountsTheFilteredRooms() {
        RoomQuery video = type(RoomType.VIDEO_INTERACTIVE);

        assertPage(List.of(kidsYoga), 2, core.rooms.list(tenant.id(), video, new PageRequest(0, 1)));
        assertPage(List.of(jazz), 2, core.rooms.list(tenant.id(), video, new PageRequest(1, 1)));
        assertPage(List.of(), 2, core.rooms.list(tenant.id(), video, new PageRequest(2, 1)));
    }

    @Test
    void roomsStartingAtTheSameTimeAreListedNewestFirst() {
        Room first = create(RoomDrafts.hostedBy(admin.id()).title("Same start 1").startingInHours(9));
        Room second = create(RoomDrafts.hostedBy(admin.id()).title("Same start 2").startingInHours(9));

        assertPage(List.of(second, first), 6, page(0, 2));
    }

    @Test
    void aTenantWithoutRooms() {
        Tenant empty = core.newTenant().tenant();

        assertPage(List.of(), 0, core.rooms.list(empty.id(), RoomQuery.ALL, new PageRequest(0, 10)));
        assertPage(List.of(), 0, core.rooms.list(empty.id(), RoomQuery.ALL, new PageRequest(3, 10)));
    }
}
