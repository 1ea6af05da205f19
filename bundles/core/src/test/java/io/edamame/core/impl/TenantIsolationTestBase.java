package io.edamame.core.impl;

import static io.edamame.core.testing.CoreServices.MEMBER_PASSWORD;
import static io.edamame.core.testing.Errors.assertError;
import static io.edamame.core.testing.Errors.assertFieldErrors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.ExternalIdentity;
import io.edamame.core.api.PageRequest;
import io.edamame.core.api.Room;
import io.edamame.core.api.RoomChanges;
import io.edamame.core.api.RoomQuery;
import io.edamame.core.api.RoomStatus;
import io.edamame.core.api.Tenant;
import io.edamame.core.api.User;
import io.edamame.core.api.UserService.Profile;
import io.edamame.core.testing.DatabaseKind;
import io.edamame.core.testing.DatabaseTest;
import io.edamame.core.testing.QuizPlugin;
import io.edamame.core.testing.RoomDrafts;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every core resource of tenant A is out of reach of tenant B, even by id. Run by
 * {@link TenantIsolationH2Test} and {@link TenantIsolationPostgresTest}.
 */
abstract class TenantIsolationTestBase extends DatabaseTest {

    private static final RoomChanges RENAME =
            new RoomChanges("Taken over", null, null, null, null, null, null, null, null, null);
    private static final ExternalIdentity PHONE = new ExternalIdentity(ExternalIdentity.PHONE, "+8613900000000");

    private Tenant a;
    private Tenant b;
    private User aliceOfA;
    private User adminOfB;
    private Room roomOfA;

    TenantIsolationTestBase(DatabaseKind kind) {
        super(kind);
    }

    @BeforeEach
    void twoTenants() {
        a = core.newTenant().tenant();
        var createdB = core.newTenant();
        b = createdB.tenant();
        adminOfB = createdB.admin();
        aliceOfA = core.newMember(a.id(), "alice");
        roomOfA = core.rooms.create(a.id(), RoomDrafts.hostedBy(aliceOfA.id()).title("A's room")
                .passwordProtected("a-secret").build());
    }

    private Room roomOfAAsStored() {
        return core.rooms.get(a.id(), roomOfA.id());
    }

    // ---- rooms

    @Test
    void anotherTenantsRoomIsNotFound() {
        assertTrue(core.rooms.find(b.id(), roomOfA.id()).isEmpty());
        assertError(CoreErrorCode.ROOM_NOT_FOUND, () -> core.rooms.get(b.id(), roomOfA.id()));
        assertFalse(core.rooms.checkPassword(b.id(), roomOfA.id(), "a-secret"));
    }

    @Test
    void anotherTenantsRoomCannotBeUpdated() {
        assertError(CoreErrorCode.ROOM_NOT_FOUND, () -> core.rooms.update(b.id(), roomOfA.id(), RENAME));

        assertEquals(roomOfA, roomOfAAsStored());
    }

    @Test
    void anotherTenantsRoomCannotBeDeleted() {
        assertError(CoreErrorCode.ROOM_NOT_FOUND, () -> core.rooms.delete(b.id(), roomOfA.id()));

        assertEquals(roomOfA, roomOfAAsStored());
    }

    @Test
    void anotherTenantsRoomCannotBeStartedOrEnded() {
        assertError(CoreErrorCode.ROOM_NOT_FOUND, () -> core.rooms.start(b.id(), roomOfA.id()));
        assertEquals(RoomStatus.SCHEDULED, roomOfAAsStored().status());

        core.rooms.start(a.id(), roomOfA.id());

        assertError(CoreErrorCode.ROOM_NOT_FOUND, () -> core.rooms.end(b.id(), roomOfA.id()));
        assertEquals(RoomStatus.LIVE, roomOfAAsStored().status());
    }

    @Test
    void anotherTenantsRoomsAreNotListed() {
        Room roomOfB = core.rooms.create(b.id(), RoomDrafts.hostedBy(adminOfB.id()).title("B's room").build());

        var listed = core.rooms.list(b.id(), RoomQuery.ALL, PageRequest.first(PageRequest.MAX_SIZE));

        assertEquals(List.of(roomOfB), listed.items());
        assertEquals(1, listed.total());
        assertEquals(List.of(), core.rooms.list(b.id(), new RoomQuery(null, null, null, "A's", aliceOfA.id()),
                PageRequest.first(10)).items());
    }

    @Test
    void anotherTenantsUserCannotHostARoom() {
        assertFieldErrors(CoreErrorCode.VALIDATION_FAILED, Set.of("hostUserId"),
                () -> core.rooms.create(b.id(), RoomDrafts.hostedBy(aliceOfA.id()).build()));

        Room roomOfB = core.rooms.create(b.id(), RoomDrafts.hostedBy(adminOfB.id()).build());
        assertFieldErrors(CoreErrorCode.VALIDATION_FAILED, Set.of("hostUserId"),
                () -> core.rooms.update(b.id(), roomOfB.id(),
                        new RoomChanges(null, null, null, null, null, null, null, null, null, aliceOfA.id())));
        assertEquals(adminOfB.id(), core.rooms.get(b.id(), roomOfB.id()).hostUserId());
    }

    // ---- users

    @Test
    void anotherTenantsUserIsNotFound() {
        assertTrue(core.users.find(b.id(), aliceOfA.id()).isEmpty());
        assertError(CoreErrorCode.USER_NOT_FOUND, () -> core.users.get(b.id(), aliceOfA.id()));
        assertError(CoreErrorCode.USER_NOT_FOUND, () -> core.users.identities(b.id(), aliceOfA.id()));
    }

    @Test
    void anotherTenantsUserCannotBeChanged() {
        assertError(CoreErrorCode.USER_NOT_FOUND,
                () -> core.users.updateProfile(b.id(), aliceOfA.id(), new Profile("Taken over", null)));
        assertError(CoreErrorCode.USER_NOT_FOUND, () -> core.users.link(b.id(), aliceOfA.id(), PHONE));

        assertEquals(aliceOfA, core.users.get(a.id(), aliceOfA.id()));
        assertEquals(List.of(), core.users.identities(a.id(), aliceOfA.id()));
    }

    @Test
    void anotherTenantsUsersAreNotListed() {
        var listed = core.users.list(b.id(), PageRequest.first(PageRequest.MAX_SIZE));

        assertEquals(List.of(adminOfB), listed.items());
        assertEquals(1, listed.total());
    }

    @Test
    void usersSignInToTheirOwnTenantOnly() {
        assertEquals(aliceOfA, core.users.authenticate(a.slug(), "alice", MEMBER_PASSWORD));
        assertError(CoreErrorCode.INVALID_CREDENTIALS, () -> core.users.authenticate(b.slug(), "alice", MEMBER_PASSWORD));
    }

    @Test
    void oneIdentityIsADifferentUserInEachTenant() {
        User inA = core.users.findOrCreate(a.id(), PHONE, Profile.NONE);

        assertTrue(core.users.findByIdentity(b.id(), PHONE).isEmpty());
        User inB = core.users.findOrCreate(b.id(), PHONE, Profile.NONE);

        assertNotEquals(inA.id(), inB.id());
        assertEquals(b.id(), inB.tenantId());
        core.users.link(b.id(), adminOfB.id(), new ExternalIdentity("wechat-unionid", "u-1"));
        core.users.link(a.id(), aliceOfA.id(), new ExternalIdentity("wechat-unionid", "u-1"));
    }

    // ---- plugins

    @Test
    void pluginSwitchesAndSettingsOfOneTenantAreInvisibleToAnother() {
        QuizPlugin plugin = new QuizPlugin();
        core.plugins.addPlugin(plugin);
        try {
            core.plugins.configure(a.id(), QuizPlugin.ID, true, Map.of("apiKey", "a-key", "maxQuestions", 3));

            assertFalse(core.plugins.isEnabled(b.id(), QuizPlugin.ID));
            assertEquals(Map.of("maxQuestions", 10, "mode", "open"), core.plugins.settings(b.id(), QuizPlugin.ID));
            assertFalse(core.plugins.forTenant(b.id()).get(0).enabled());
            assertTrue(core.plugins.tenantsEnabling(QuizPlugin.ID).contains(a.id()));
            assertFalse(core.plugins.tenantsEnabling(QuizPlugin.ID).contains(b.id()));

            core.plugins.configure(b.id(), QuizPlugin.ID, true, Map.of("apiKey", "b-key"));

            assertEquals("a-key", core.plugins.settings(a.id(), QuizPlugin.ID).get("apiKey"));
            assertEquals(3, core.plugins.settings(a.id(), QuizPlugin.ID).get("maxQuestions"));
            assertEquals("b-key", core.plugins.settings(b.id(), QuizPlugin.ID).get("apiKey"));
            assertEquals(10, core.plugins.settings(b.id(), QuizPlugin.ID).get("maxQuestions"));
        } finally {
            core.plugins.removePlugin(plugin);
        }
    }
}
