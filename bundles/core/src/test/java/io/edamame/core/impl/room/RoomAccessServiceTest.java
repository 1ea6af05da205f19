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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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
        RoomDrafts draft = RoomDrafts.hostedBy(host.userId());
        return room(kind == RoomAccess.PASSWORD ? draft.passwordProtected(PASSWORD) : draft.access(kind));
    }

    private AccessDecision check(Room room, Caller caller) {
        return access.check(AccessRequest.live(room.tenantId(), room.id(), caller));
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
