package io.edamame.core.impl.tenant;

import static io.edamame.core.testing.CoreServices.ADMIN_PASSWORD;
import static io.edamame.core.testing.CoreServices.NOW;
import static io.edamame.core.testing.Errors.assertError;
import static io.edamame.core.testing.Errors.assertFieldErrors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameEvents;
import io.edamame.core.api.Page;
import io.edamame.core.api.PageRequest;
import io.edamame.core.api.Tenant;
import io.edamame.core.api.TenantRole;
import io.edamame.core.api.TenantService.CreatedTenant;
import io.edamame.core.api.TenantStatus;
import io.edamame.core.api.User;
import io.edamame.core.testing.CoreServices;
import io.edamame.core.testing.DatabaseKind;
import io.edamame.core.testing.DatabaseTest;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.osgi.service.event.Event;

/** {@link TenantServiceImpl} on a real database; run by {@link TenantServiceH2Test} and {@link TenantServicePostgresTest}. */
abstract class TenantServiceTestBase extends DatabaseTest {

    TenantServiceTestBase(DatabaseKind kind) {
        super(kind);
    }

    @Test
    void createsTenantWithItsFirstAdmin() {
        String slug = CoreServices.uniqueSlug();

        CreatedTenant created = core.tenants.create(slug, "  Acme School  ", "boss", "boss-password");

        Tenant tenant = created.tenant();
        assertEquals(slug, tenant.slug());
        assertEquals("Acme School", tenant.name());
        assertEquals(TenantStatus.ACTIVE, tenant.status());
        assertEquals(NOW, tenant.createdAt());
        User admin = created.admin();
        assertEquals(tenant.id(), admin.tenantId());
        assertEquals("boss", admin.username());
        assertEquals(TenantRole.TENANT_ADMIN, admin.role());
        // Stored, not only answered: a service with an empty cache finds both, and the admin can sign in.
        assertEquals(tenant, core.newTenantService().find(slug).orElseThrow());
        assertEquals(tenant, core.newTenantService().find(tenant.id()).orElseThrow());
        assertEquals(admin, core.users.get(tenant.id(), admin.id()));
        assertEquals(admin, core.users.authenticate(slug, "boss", "boss-password"));
    }

    @Test
    void postsTenantCreated() {
        Tenant tenant = core.newTenant().tenant();

        Event event = core.events.single(EdamameEvents.TENANT_CREATED);
        assertEquals(tenant.id(), event.getProperty(EdamameEvents.TENANT_ID));
        assertEquals(tenant.slug(), event.getProperty(EdamameEvents.TENANT_SLUG));
    }

    @Test
    void refusesATakenSlugAndWritesNothing() {
        Tenant existing = core.newTenant().tenant();
        long tenantsBefore = core.tenants.count();
        core.events.clear();

        assertError(CoreErrorCode.TENANT_SLUG_TAKEN,
                () -> core.tenants.create(existing.slug(), "Impostor", "impostor", "impostor-password"));

        assertEquals(tenantsBefore, core.tenants.count());
        assertEquals(existing, core.newTenantService().find(existing.slug()).orElseThrow());
        assertEquals(1, core.users.list(existing.id(), PageRequest.first(10)).total(), "no second admin");
        assertError(CoreErrorCode.INVALID_CREDENTIALS,
                () -> core.users.authenticate(existing.slug(), "impostor", "impostor-password"));
        assertEquals(List.of(), core.events.topics());
    }

    @Test
    void reportsEveryInvalidFieldAndWritesNothing() {
        long tenantsBefore = core.tenants.count();

        assertFieldErrors(CoreErrorCode.VALIDATION_FAILED, Set.of("slug", "name", "adminUsername", "adminPassword"),
                () -> core.tenants.create("Not A Slug", " ", "x", "short"));

        assertEquals(tenantsBefore, core.tenants.count());
        assertEquals(List.of(), core.events.topics());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"ab", "-abc", "abc-", "Upper", "under_score", "dots.dot", "spa ce",
            "a2345678901234567890123456789012345678901"})
    void refusesMalformedSlugs(String slug) {
        long tenantsBefore = core.tenants.count();

        assertFieldErrors(CoreErrorCode.VALIDATION_FAILED, Set.of("slug"),
                () -> core.tenants.create(slug, "Name", "admin", ADMIN_PASSWORD));

        assertEquals(tenantsBefore, core.tenants.count());
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "a-b", "0-9", "a234567890123456789012345678901234567890"})
    void acceptsSlugsOfThreeToFortyCharacters(String slug) {
        // Each test class has a database of its own, so these fixed slugs are free.
        Tenant tenant = core.tenants.create(slug, "Name", "admin", ADMIN_PASSWORD).tenant();

        assertEquals(tenant, core.newTenantService().get(slug));
    }

    static Stream<String> passwordsOfWrongLength() {
        return Stream.of(null, "", "1234567", "p".repeat(129));
    }

    @ParameterizedTest
    @MethodSource("passwordsOfWrongLength")
    void refusesPasswordsOutsideEightToOneHundredTwentyEightCharacters(String password) {
        long tenantsBefore = core.tenants.count();

        assertFieldErrors(CoreErrorCode.VALIDATION_FAILED, Set.of("adminPassword"),
                () -> core.tenants.create(CoreServices.uniqueSlug(), "Name", "admin", password));

        assertEquals(tenantsBefore, core.tenants.count());
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 128})
    void acceptsPasswordsOfEightToOneHundredTwentyEightCharacters(int length) {
        String slug = CoreServices.uniqueSlug();
        String password = "p".repeat(length);

        core.tenants.create(slug, "Name", "admin", password);

        core.users.authenticate(slug, "admin", password);
    }

    @Test
    void refusesATooLongName() {
        assertFieldErrors(CoreErrorCode.VALIDATION_FAILED, Set.of("name"),
                () -> core.tenants.create(CoreServices.uniqueSlug(), "n".repeat(121), "admin", ADMIN_PASSWORD));
    }

    @Test
    void listsAndCountsTenants() {
        long before = core.tenants.count();
        Tenant first = core.newTenant().tenant();
        Tenant second = core.newTenant().tenant();

        assertEquals(before + 2, core.tenants.count());
        Page<Tenant> all = core.tenants.list(new PageRequest(0, PageRequest.MAX_SIZE));
        assertEquals(before + 2, all.total());
        assertTrue(all.items().containsAll(List.of(first, second)), () -> "list: " + all.items());
        Page<Tenant> onePerPage = core.tenants.list(new PageRequest(1, 1));
        assertEquals(1, onePerPage.items().size());
        assertEquals(before + 2, onePerPage.total());
        assertEquals(all.items().get(1), onePerPage.items().get(0), "ordered by id, page 1 is the second");
    }

    @Test
    void unknownTenantsAreNotFound() {
        assertTrue(core.tenants.find("no-such-tenant").isEmpty());
        assertTrue(core.tenants.find(Long.MAX_VALUE).isEmpty());
        assertError(CoreErrorCode.TENANT_NOT_FOUND, () -> core.tenants.get("no-such-tenant"));
        assertError(CoreErrorCode.TENANT_NOT_FOUND, () -> core.tenants.setStatus("no-such-tenant", TenantStatus.SUSPENDED));
    }

    @Test
    void suspendsAndReactivatesATenant() {
        Tenant tenant = core.newTenant().tenant();
        core.events.clear();

        Tenant suspended = core.tenants.setStatus(tenant.slug(), TenantStatus.SUSPENDED);

        assertEquals(TenantStatus.SUSPENDED, suspended.status());
        assertEquals(TenantStatus.SUSPENDED, core.tenants.get(tenant.slug()).status());
        assertEquals(TenantStatus.SUSPENDED, core.newTenantService().get(tenant.slug()).status(), "stored");
        Event event = core.events.single(EdamameEvents.TENANT_STATUS_CHANGED);
        assertEquals(tenant.id(), event.getProperty(EdamameEvents.TENANT_ID));
        assertEquals("SUSPENDED", event.getProperty(EdamameEvents.TENANT_STATUS));

        core.tenants.setStatus(tenant.slug(), TenantStatus.ACTIVE);

        assertEquals(TenantStatus.ACTIVE, core.newTenantService().get(tenant.slug()).status());
        assertTrue(core.tenants.find(tenant.id()).orElseThrow().isActive());
    }
}
