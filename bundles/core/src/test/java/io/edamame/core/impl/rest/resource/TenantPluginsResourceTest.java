package io.edamame.core.impl.rest.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edamame.core.api.Caller;
import io.edamame.core.api.TenantRole;
import io.edamame.core.api.TenantService.CreatedTenant;
import io.edamame.core.impl.rest.Json;
import io.edamame.core.impl.rest.resource.TenantPluginsResource.SwitchRequest;
import io.edamame.core.testing.DatabaseKind;
import io.edamame.core.testing.DatabaseTest;
import io.edamame.core.testing.KeyringPlugin;
import java.security.Principal;
import java.util.List;
import javax.ws.rs.core.SecurityContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A tenant's plugins through the REST layer: JSON bound and written by the API's mapping, the resource,
 * and the real registry (H2). Secrets go in; only their names come out, in {@code secretsSet}.
 */
class TenantPluginsResourceTest extends DatabaseTest {

    private static final ObjectMapper JSON = Json.mapper();
    private static final List<String> SECRET_VALUES = List.of("app-secret-0001", "token-0001", "aes-key-0001", "4321");

    private KeyringPlugin keyring;
    private TenantPluginsResource resource;
    private SecurityContext admin;

    TenantPluginsResourceTest() {
        super(DatabaseKind.H2);
    }

    /** What the security filter makes of a tenant admin's token. */
    private record AsCaller(Caller caller) implements SecurityContext {
        @Override
        public Principal getUserPrincipal() {
            return caller;
        }

        @Override
        public boolean isUserInRole(String role) {
            return true;
        }

        @Override
        public boolean isSecure() {
            return false;
        }

        @Override
        public String getAuthenticationScheme() {
            return "Bearer";
        }
    }

    @BeforeEach
    void setUp() {
        keyring = new KeyringPlugin();
        core.plugins.addPlugin(keyring);
        CreatedTenant tenant = core.newTenant();
        admin = new AsCaller(new Caller(tenant.tenant().id(), tenant.tenant().slug(), tenant.admin().id(),
                TenantRole.TENANT_ADMIN));
        resource = new TenantPluginsResource(core.plugins);
    }

    @AfterEach
    void tearDown() {
        core.plugins.removePlugin(keyring);
    }

    private JsonNode put(String body) throws Exception {
        return JSON.valueToTree(resource.configure(admin, KeyringPlugin.ID, JSON.readValue(body, SwitchRequest.class)));
    }

    private JsonNode get() {
        return JSON.valueToTree(resource.get(admin, KeyringPlugin.ID));
    }

    private static void assertNoSecretValue(JsonNode view) {
        for (String secret : SECRET_VALUES) {
            assertFalse(view.toString().contains(secret), secret + " in " + view);
        }
    }

    @Test
    void secretsSetIsEmptyBeforeAnySecretIsSet() {
        assertEquals(JSON.createArrayNode(), get().path("secretsSet"));
    }

    @Test
    void secretsSetNamesTheSecretsThatHaveAValueSortedAndNeverTheirValues() throws Exception {
        JsonNode put = put("""
                {"enabled": true, "settings": {"appId": "wx0001", "token": "token-0001", "pin": 4321,
                 "aesKeys": ["aes-key-0001"], "appSecret": "app-secret-0001"}}""");

        JsonNode listed = JSON.valueToTree(resource.list(admin).stream()
                .filter(plugin -> plugin.id().equals(KeyringPlugin.ID)).findFirst().orElseThrow());
        for (JsonNode view : List.of(put, get(), listed)) {
            assertEquals(JSON.readTree("[\"aesKeys\", \"appSecret\", \"pin\", \"token\"]"), view.path("secretsSet"));
            assertEquals(JSON.readTree("{\"appId\": \"wx0001\", \"retries\": 3, \"sandbox\": false}"),
                    view.path("settings"));
            assertNoSecretValue(view);
        }
    }

    @Test
    void anOmittedSecretStaysSetAndANullOneIsRemoved() throws Exception {
        put("{\"enabled\": true, \"settings\": {\"appSecret\": \"app-secret-0001\", \"token\": \"token-0001\"}}");

        JsonNode omitted = put("{\"enabled\": true, \"settings\": {\"appId\": \"wx0002\"}}");
        assertEquals(JSON.readTree("[\"appSecret\", \"token\"]"), omitted.path("secretsSet"));

        JsonNode removed = put("{\"enabled\": true, \"settings\": {\"appId\": \"wx0002\", \"token\": null}}");
        assertEquals(JSON.readTree("[\"appSecret\"]"), removed.path("secretsSet"));
        assertEquals("app-secret-0001", core.plugins.settings(tenantId(), KeyringPlugin.ID).get("appSecret"));
        assertNoSecretValue(removed);
    }

    private long tenantId() {
        return ((Caller) admin.getUserPrincipal()).tenantId();
    }
}
