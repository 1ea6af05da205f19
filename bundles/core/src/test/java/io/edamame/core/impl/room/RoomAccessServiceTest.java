package io.edamame.core.impl.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edamame.core.api.AccessDecision;
import io.edamame.core.api.AccessPurpose;
import io.edamame.core.api.AccessRequest;
import io.edamame.core.api.Caller;
import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.ErrorCode;
import io.edamame.core.api.ReplayAccess;
import io.edamame.core.api.Room;
import io.edamame.core.api.RoomAccess;
import io.edamame.core.api.RoomAccessRule;
import io.edamame.core.api.TenantRole;
import io.edamame.core.api.TenantService.CreatedTenant;
import io.edamame.core.api.User;
import io.edamame.core.testing.DatabaseKind;
import io.edamame.core.testing.DatabaseTest;
import io.edamame.core.testing.RoomDrafts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.osgi.framework.Constants;

/** The access check on real rooms (H2): the core's defaults, and rules that bundles contribute. */
class RoomAccessServiceTest extends DatabaseTest {

    private static final String PASSWORD = "open sesame";

    private RoomAccessServiceImpl access;
    private CreatedTenant tenant;
    private Caller admin;
    private Caller member;
    private Caller host;
    private long nextServiceId = 1;

    RoomAccessServiceTest() {
        super(DatabaseKind.H2);
    }

    @BeforeEach
    void setUp() {
        access = new RoomAccessServiceImpl(core.rooms);
        tenant = core.newTenant();
        admin = caller(tenant.admin());
        member = caller(core.newMember(tenant.tenant().id(), "member"));
        host = caller(core.newMember(tenant.tenant().id(), "host"));
    }

    private Caller caller(User user) {
        return new Caller(user.tenantId(), tenant.tenant().slug(), user.id(), user.role());
    }

    private Room room(RoomDrafts draft) {
        return core.rooms.create(tenant.tenant().id(), draft.build());
    }

    private Room room(RoomAccess kind) {
        return room(kind, ReplayAccess.AS_LIVE);
    }

    private Room room(RoomAccess kind, ReplayAccess replay) {
        RoomDrafts draft = RoomDrafts.hostedBy(host.userId()).replayAccess(replay);
        return room(kind == RoomAccess.PASSWORD ? draft.passwordProtected(PASSWORD) : draft.access(kind));
    }

    private AccessDecision check(Room room, Caller caller) {
        return access.check(AccessRequest.live(room.tenantId(), room.id(), caller));
    }

    private AccessDecision checkReplay(Room room, Caller caller) {
        return access.check(AccessRequest.replay(room.tenantId(), room.id(), caller));
    }

    /** {@code expected} is {@code "granted"} or the name of the denial's code. */
    private static void assertDecision(String expected, AccessDecision decision) {
        if (expected.equals("granted")) {
            assertGranted(decision);
        } else {
            assertDenied(CoreErrorCode.valueOf(expected), decision);
        }
    }

    private static void assertDenied(ErrorCode code, AccessDecision decision) {
        assertEquals(false, decision.granted(), "granted");
        assertEquals(code, decision.denial());
    }

    private static void assertGranted(AccessDecision decision) {
        assertTrue(decision.granted(), () -> "denied: " + decision.denial() + " " + decision.message());
    }

    private void register(RoomAccessRule rule, int ranking, String... accesses) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(Constants.SERVICE_ID, nextServiceId++);
        properties.put(Constants.SERVICE_RANKING, ranking);
        if (accesses.length > 0) {
            properties.put(RoomAccessRule.ACCESS, accesses.length == 1 ? accesses[0] : accesses);
        }
        access.addRule(rule, properties);
    }

    // ---- the core's defaults

    @Test
    void aPublicRoomIsOpenToEveryoneIncludingAnonymousViewers() {
        Room room = room(RoomAccess.PUBLIC);

        assertGranted(check(room, null));
        assertGranted(check(room, member));
    }

    @Test
    void aPasswordRoomNeedsTheRightPassword() {
        Room room = room(RoomAccess.PASSWORD);
        AccessRequest asMember = AccessRequest.live(room.tenantId(), room.id(), member);

        assertDenied(CoreErrorCode.ROOM_PASSWORD_REQUIRED, access.check(asMember));
        assertDenied(CoreErrorCode.ROOM_PASSWORD_REQUIRED, access.check(asMember.withPassword("")));
        assertDenied(CoreErrorCode.ROOM_PASSWORD_WRONG, access.check(asMember.withPassword("open sesam")));
        assertGranted(access.check(asMember.withPassword(PASSWORD)));
        assertGranted(access.check(AccessRequest.live(room.tenantId(), room.id(), null).withPassword(PASSWORD)));
    }

    @Test
    void aPaidRoomIsRefusedWhenNoRuleGrantsIt() {
        Room room = room(RoomAccess.PAID);

        assertDenied(CoreErrorCode.PAYMENT_REQUIRED, check(room, member));
        assertDenied(CoreErrorCode.PAYMENT_REQUIRED, check(room, null));
        assertDenied(CoreErrorCode.PAYMENT_REQUIRED,
                access.check(new AccessRequest(room.tenantId(), room.id(), member, AccessPurpose.REPLAY, null)));
    }

    @Test
    void theHostAndTenantAdminsMayAlwaysEnter() {
        for (RoomAccess kind : RoomAccess.values()) {
            Room room = room(kind);
            assertGranted(check(room, host));
            assertGranted(check(room, admin));
        }
    }

    @Test
    void anUnknownRoomIsNotFound() {
        assertDenied(CoreErrorCode.ROOM_NOT_FOUND,
                access.check(AccessRequest.live(tenant.tenant().id(), Long.MAX_VALUE, member)));
    }

    @Test
    void anotherTenantsRoomIsNotFoundEvenForItsOwnAdminsToken() {
        Room room = room(RoomAccess.PUBLIC);
        CreatedTenant other = core.newTenant();
        Caller otherAdmin = new Caller(other.tenant().id(), other.tenant().slug(), other.admin().id(),
                TenantRole.TENANT_ADMIN);

        // Asked under the other tenant's name: the room is not there.
        assertDenied(CoreErrorCode.ROOM_NOT_FOUND,
                access.check(AccessRequest.live(other.tenant().id(), room.id(), null)));
        // Asked under the room's tenant with a token of the other tenant.
        assertDenied(CoreErrorCode.ROOM_NOT_FOUND, check(room, otherAdmin));
    }

    // ---- rules contributed by bundles

    @Test
    void aRuleForPaidRoomsGrantsItsUsersAndAbstainsForOthers() {
        Room room = room(RoomAccess.PAID);
        register((r, request) -> request.caller() != null && request.caller().userId() == member.userId()
                ? Optional.of(AccessDecision.grant()) : Optional.empty(), 0, "PAID");

        assertGranted(check(room, member));
        assertDenied(CoreErrorCode.PAYMENT_REQUIRED, check(room, null));
    }

    @Test
    void onlyRulesForTheRoomsAccessAreAsked() {
        List<String> asked = new ArrayList<>();
        register((r, request) -> {
            asked.add("paid");
            return Optional.of(AccessDecision.grant());
        }, 0, "PAID");
        register((r, request) -> {
            asked.add("none");
            return Optional.of(AccessDecision.grant());
        }, 0);

        assertDenied(CoreErrorCode.ROOM_PASSWORD_REQUIRED, check(room(RoomAccess.PASSWORD), member));
        assertEquals(List.of(), asked);
        assertGranted(check(room(RoomAccess.PAID), member));
        assertEquals(List.of("paid"), asked);
    }

    @Test
    void theHighestRankedRuleThatAnswersDecides() {
        Room room = room(RoomAccess.PUBLIC);
        ErrorCode banned = CoreErrorCode.FORBIDDEN;
        register((r, request) -> Optional.of(AccessDecision.grant()), 10, "PUBLIC");
        register((r, request) -> Optional.empty(), 30, "PUBLIC");
        register((r, request) -> Optional.of(AccessDecision.deny(banned, "banned")), 20, "PUBLIC", "PASSWORD");

        assertDenied(banned, check(room, member));
    }

    @Test
    void aRemovedRuleIsNoLongerAsked() {
        Room room = room(RoomAccess.PAID);
        RoomAccessRule grantAll = (r, request) -> Optional.of(AccessDecision.grant());
        register(grantAll, 0, "PAID");
        assertGranted(check(room, member));

        access.removeRule(grantAll, Map.of(Constants.SERVICE_ID, nextServiceId - 1));

        assertDenied(CoreErrorCode.PAYMENT_REQUIRED, check(room, member));
    }

    @Test
    void aRuleMayGrantAPasswordRoomWithoutThePassword() {
        Room room = room(RoomAccess.PASSWORD);
        register((r, request) -> Optional.of(AccessDecision.grant()), 0, "PASSWORD");

        assertGranted(check(room, member));
    }

    // ---- replays

    static Stream<Arguments> replayMatrix() {
        return Stream.of(
                // replay access, live access, without a password, with the room's password
                Arguments.of(ReplayAccess.AS_LIVE, RoomAccess.PUBLIC, "granted", "granted"),
                Arguments.of(ReplayAccess.AS_LIVE, RoomAccess.PASSWORD, "ROOM_PASSWORD_REQUIRED", "granted"),
                Arguments.of(ReplayAccess.AS_LIVE, RoomAccess.PAID, "PAYMENT_REQUIRED", "PAYMENT_REQUIRED"),
                Arguments.of(ReplayAccess.FREE, RoomAccess.PUBLIC, "granted", "granted"),
                Arguments.of(ReplayAccess.FREE, RoomAccess.PASSWORD, "ROOM_PASSWORD_REQUIRED", "granted"),
                Arguments.of(ReplayAccess.FREE, RoomAccess.PAID, "granted", "granted"),
                Arguments.of(ReplayAccess.PAID, RoomAccess.PUBLIC, "PAYMENT_REQUIRED", "PAYMENT_REQUIRED"),
                Arguments.of(ReplayAccess.PAID, RoomAccess.PASSWORD, "PAYMENT_REQUIRED", "PAYMENT_REQUIRED"),
                Arguments.of(ReplayAccess.PAID, RoomAccess.PAID, "PAYMENT_REQUIRED", "PAYMENT_REQUIRED"));
    }

    @ParameterizedTest(name = "{0} replay of a {1} room: {2} without the password, {3} with it")
    @MethodSource("replayMatrix")
    void theReplayIsDecidedByTheRoomsReplayAccess(ReplayAccess replay, RoomAccess live, String withoutPassword,
                                                  String withPassword) {
        Room room = room(live, replay);

        for (Caller viewer : Arrays.asList(member, null)) {
            AccessRequest request = AccessRequest.replay(room.tenantId(), room.id(), viewer);
            assertDecision(withoutPassword, access.check(request));
            assertDecision(withPassword, access.check(request.withPassword(PASSWORD)));
        }
        assertGranted(checkReplay(room, host));
        assertGranted(checkReplay(room, admin));
    }

    @Test
    void aFreeReplayOfAPasswordRoomRefusesAWrongPassword() {
        Room room = room(RoomAccess.PASSWORD, ReplayAccess.FREE);

        assertDenied(CoreErrorCode.ROOM_PASSWORD_WRONG,
                access.check(AccessRequest.replay(room.tenantId(), room.id(), null).withPassword("open sesam")));
    }

    @Test
    void theLiveIsDecidedByTheRoomsAccessWhateverItsReplayAccess() {
        assertGranted(check(room(RoomAccess.PUBLIC, ReplayAccess.PAID), null));
        assertDenied(CoreErrorCode.PAYMENT_REQUIRED, check(room(RoomAccess.PAID, ReplayAccess.FREE), member));
        assertDenied(CoreErrorCode.ROOM_PASSWORD_REQUIRED, check(room(RoomAccess.PASSWORD, ReplayAccess.FREE), member));
    }

    @Test
    void anotherTenantsReplayIsNotFound() {
        Room room = room(RoomAccess.PUBLIC, ReplayAccess.FREE);
        CreatedTenant other = core.newTenant();
        Caller otherAdmin = new Caller(other.tenant().id(), other.tenant().slug(), other.admin().id(),
                TenantRole.TENANT_ADMIN);

        assertDenied(CoreErrorCode.ROOM_NOT_FOUND, checkReplay(room, otherAdmin));
        assertDenied(CoreErrorCode.ROOM_NOT_FOUND,
                access.check(AccessRequest.replay(other.tenant().id(), room.id(), null)));
    }

    @Test
    void aPaidRuleGrantsAPaidReplayOfAPublicRoomAndSeesThatItIsAReplay() {
        Room room = room(RoomAccess.PUBLIC, ReplayAccess.PAID);
        List<AccessPurpose> asked = new ArrayList<>();
        register((r, request) -> {
            asked.add(request.purpose());
            return request.caller() != null && request.caller().userId() == member.userId()
                    ? Optional.of(AccessDecision.grant()) : Optional.empty();
        }, 0, "PAID");

        assertGranted(checkReplay(room, member));
        assertDenied(CoreErrorCode.PAYMENT_REQUIRED, checkReplay(room, null));
        // The live of this room is public: the billing rule has nothing to say about it.
        assertGranted(check(room, member));
        assertEquals(List.of(AccessPurpose.REPLAY, AccessPurpose.REPLAY), asked);
    }

    @Test
    void aPaidRuleIsAskedAboutTheLiveAndTheReplayOfAPaidRoomWhoseReplayIsAsLive() {
        Room room = room(RoomAccess.PAID, ReplayAccess.AS_LIVE);
        List<AccessPurpose> asked = new ArrayList<>();
        register((r, request) -> {
            asked.add(request.purpose());
            return Optional.of(request.purpose() == AccessPurpose.LIVE ? AccessDecision.grant()
                    : AccessDecision.deny(CoreErrorCode.PAYMENT_REQUIRED, "the ticket is for the live only"));
        }, 0, "PAID");

        assertGranted(check(room, member));
        assertDenied(CoreErrorCode.PAYMENT_REQUIRED, checkReplay(room, member));
        assertEquals(List.of(AccessPurpose.LIVE, AccessPurpose.REPLAY), asked);
    }

    @Test
    void noPaidRuleIsAskedAboutAFreeReplay() {
        Room room = room(RoomAccess.PAID, ReplayAccess.FREE);
        register((r, request) -> Optional.of(AccessDecision.deny(CoreErrorCode.FORBIDDEN, "asked")), 0, "PAID");

        assertGranted(checkReplay(room, member));
        assertGranted(checkReplay(room, null));
    }

    @Test
    void aPaidReplayIsRefusedWithAMessageAboutTheReplay() {
        Room room = room(RoomAccess.PUBLIC, ReplayAccess.PAID);

        assertEquals("This room's replay is paid", checkReplay(room, member).message());
    }

    // ---- the decision value

    @Test
    void aDenialThrowsItsCode() {
        AccessDecision denied = AccessDecision.deny(CoreErrorCode.PAYMENT_REQUIRED, "This room is paid");

        EdamameException e = assertThrows(EdamameException.class, denied::orThrow);
        assertEquals(CoreErrorCode.PAYMENT_REQUIRED, e.code());
        AccessDecision.grant().orThrow();
    }

    @Test
    void aDecisionIsEitherAGrantOrADenialWithACode() {
        assertThrows(IllegalArgumentException.class, () -> new AccessDecision(true, CoreErrorCode.FORBIDDEN, "x"));
        assertThrows(IllegalArgumentException.class, () -> new AccessDecision(false, null, "x"));
        assertThrows(NullPointerException.class, () -> AccessDecision.deny(null, "x"));
    }
}
