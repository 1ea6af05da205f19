package io.edamame.core.impl.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.RoomSocketGate.Admission;
import io.edamame.core.api.SocketCloseCodes;
import io.edamame.core.api.TenantService.CreatedTenant;
import io.edamame.core.api.TenantStatus;
import io.edamame.core.impl.auth.TokenServiceImpl;
import io.edamame.core.testing.CoreServices;
import io.edamame.core.testing.DatabaseKind;
import io.edamame.core.testing.DatabaseTest;
import io.edamame.core.testing.QuizPlugin;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The checks every room WebSocket makes on opening, in their order, on a real database. */
class RoomSocketGateTest extends DatabaseTest {

    static final String SECRET = java.util.Base64.getEncoder().encodeToString(new byte[32]);

    TokenServiceImpl tokens;
    RoomSocketGateImpl gate;

    RoomSocketGateTest() {
        super(DatabaseKind.H2);
    }

    @BeforeAll
    void services() {
        if (core != null) {
            tokens = new TokenServiceImpl(core.tenants, SECRET, 3600, core.clock);
            core.plugins.addPlugin(new QuizPlugin());
            gate = new RoomSocketGateImpl(core.tenants, core.plugins, tokens);
        }
    }

    CreatedTenant tenantWithPlugin() {
        CreatedTenant created = core.newTenant();
        core.plugins.configure(created.tenant().id(), QuizPlugin.ID, true, Map.of("apiKey", "a-key"));
        return created;
    }

    String token(CreatedTenant tenant) {
        return tokens.issue(tenant.tenant(), tenant.admin()).token();
    }

    static void assertRefused(Admission admission, int closeCode, CoreErrorCode code) {
        assertFalse(admission.isAdmitted());
        assertEquals(closeCode, admission.closeCode());
        assertEquals(code, admission.refusal());
    }

    @Test
    void anonymousAndSignedInConnectionsOfTheTenantAreAdmitted() {
        CreatedTenant tenant = tenantWithPlugin();
        Admission anonymous = gate.open(tenant.tenant().slug(), "42", QuizPlugin.ID, null);
        assertTrue(anonymous.isAdmitted());
        assertEquals(42, anonymous.roomId());
        assertEquals(tenant.tenant().id(), anonymous.tenantId());
        assertNull(anonymous.caller());

        Admission signedIn = gate.open(tenant.tenant().slug(), "42", QuizPlugin.ID, token(tenant));
        assertEquals(tenant.admin().id(), signedIn.caller().userId());
        assertEquals(tenant.admin().id(), gate.signIn(anonymous, token(tenant)).caller().userId(),
                "a token sent after opening");
    }

    @Test
    void unknownTenantsRoomsAndOtherTenantsTokensAreNotFound() {
        CreatedTenant tenant = tenantWithPlugin();
        CreatedTenant other = tenantWithPlugin();
        String slug = tenant.tenant().slug();
        assertRefused(gate.open("no-such-tenant", "1", QuizPlugin.ID, null), SocketCloseCodes.NOT_FOUND,
                CoreErrorCode.ROOM_NOT_FOUND);
        assertRefused(gate.open(slug, "lobby", QuizPlugin.ID, null), SocketCloseCodes.NOT_FOUND,
                CoreErrorCode.ROOM_NOT_FOUND);
        assertRefused(gate.open(slug, "0", QuizPlugin.ID, null), SocketCloseCodes.NOT_FOUND,
                CoreErrorCode.ROOM_NOT_FOUND);
        assertRefused(gate.open(slug, "7", QuizPlugin.ID, token(other)), SocketCloseCodes.NOT_FOUND,
                CoreErrorCode.ROOM_NOT_FOUND);
    }

    @Test
    void badTokensSwitchedOffPluginsAndSuspendedTenantsAreRefused() {
        CreatedTenant tenant = tenantWithPlugin();
        String slug = tenant.tenant().slug();
        assertRefused(gate.open(slug, "7", QuizPlugin.ID, "not-a-token"), SocketCloseCodes.UNAUTHENTICATED,
                CoreErrorCode.UNAUTHENTICATED);
        String[] parts = token(tenant).split("\\.");
        assertRefused(gate.open(slug, "7", QuizPlugin.ID, parts[0] + "." + parts[1] + ".AAAA"),
                SocketCloseCodes.UNAUTHENTICATED, CoreErrorCode.UNAUTHENTICATED);
        assertRefused(gate.open(slug, "7", "another-plugin", null), SocketCloseCodes.FORBIDDEN,
                CoreErrorCode.PLUGIN_DISABLED);

        String token = token(tenant);
        core.tenants.setStatus(slug, TenantStatus.SUSPENDED);
        assertRefused(gate.open(slug, "7", QuizPlugin.ID, token), SocketCloseCodes.FORBIDDEN,
                CoreErrorCode.TENANT_SUSPENDED);
        Admission refused = Admission.refused(SocketCloseCodes.FORBIDDEN, CoreErrorCode.PLUGIN_DISABLED);
        assertEquals(refused, gate.signIn(refused, token), "a refused connection stays refused");
    }

    @Test
    void aRecheckSeesThePluginSwitchedOffAndTheTenantSuspendedSinceOpening() {
        CreatedTenant tenant = tenantWithPlugin();
        String slug = tenant.tenant().slug();
        Admission opened = gate.open(slug, "7", QuizPlugin.ID, token(tenant));
        assertEquals(opened, gate.recheck(opened, QuizPlugin.ID), "nothing changed");

        core.plugins.configure(tenant.tenant().id(), QuizPlugin.ID, false, Map.of("apiKey", "a-key"));
        assertRefused(gate.recheck(opened, QuizPlugin.ID), SocketCloseCodes.FORBIDDEN, CoreErrorCode.PLUGIN_DISABLED);

        core.plugins.configure(tenant.tenant().id(), QuizPlugin.ID, true, Map.of("apiKey", "a-key"));
        core.tenants.setStatus(slug, TenantStatus.SUSPENDED);
        assertRefused(gate.recheck(opened, QuizPlugin.ID), SocketCloseCodes.FORBIDDEN, CoreErrorCode.TENANT_SUSPENDED);
    }
}
