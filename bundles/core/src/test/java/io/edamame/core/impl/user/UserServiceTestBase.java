package io.edamame.core.impl.user;

import static io.edamame.core.testing.CoreServices.ADMIN_PASSWORD;
import static io.edamame.core.testing.CoreServices.ADMIN_USERNAME;
import static io.edamame.core.testing.CoreServices.MEMBER_PASSWORD;
import static io.edamame.core.testing.CoreServices.NOW;
import static io.edamame.core.testing.Errors.assertError;
import static io.edamame.core.testing.Errors.assertFieldErrors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.ExternalIdentity;
import io.edamame.core.api.Page;
import io.edamame.core.api.PageRequest;
import io.edamame.core.api.Tenant;
import io.edamame.core.api.TenantRole;
import io.edamame.core.api.TenantStatus;
import io.edamame.core.api.User;
import io.edamame.core.api.UserService.NewPasswordUser;
import io.edamame.core.api.UserService.Profile;
import io.edamame.core.testing.DatabaseKind;
import io.edamame.core.testing.DatabaseTest;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link UserServiceImpl} on a real database; run by {@link UserServiceH2Test} and {@link UserServicePostgresTest}. */
abstract class UserServiceTestBase extends DatabaseTest {

    private static final ExternalIdentity OPENID = new ExternalIdentity("wechat-openid:wx123", "o-abc");
    private static final ExternalIdentity PHONE = new ExternalIdentity(ExternalIdentity.PHONE, "+8613800000000");

    private Tenant tenant;
    private User admin;

    UserServiceTestBase(DatabaseKind kind) {
        super(kind);
    }

    @BeforeEach
    void newTenant() {
        var created = core.newTenant();
        tenant = created.tenant();
        admin = created.admin();
    }

    private User createUser(String username, String displayName, TenantRole role) {
        return core.users.create(tenant.id(), new NewPasswordUser(username, MEMBER_PASSWORD, displayName, role));
    }

    @Test
    void createsAndFindsAPasswordUser() {
        User host = createUser("host.one", "Host One", TenantRole.MEMBER);

        assertEquals(tenant.id(), host.tenantId());
        assertEquals("host.one", host.username());
        assertEquals("Host One", host.displayName());
        assertEquals(TenantRole.MEMBER, host.role());
        assertEquals(NOW, host.createdAt());
        assertEquals(host, core.users.find(tenant.id(), host.id()).orElseThrow());
        assertEquals(host, core.users.get(tenant.id(), host.id()));
    }

    @Test
    void displayNameDefaultsToTheUsername() {
        User user = createUser("no_display_name", null, TenantRole.TENANT_ADMIN);

        assertEquals("no_display_name", core.users.get(tenant.id(), user.id()).displayName());
        assertTrue(user.isTenantAdmin());
    }

    @Test
    void refusesInvalidUsersWithEveryFailingField() {
        assertFieldErrors(CoreErrorCode.VALIDATION_FAILED, Set.of("username", "password", "displayName", "role"),
                () -> core.users.create(tenant.id(), new NewPasswordUser("a b", "short", "d".repeat(121), null)));

        assertEquals(1, core.users.list(tenant.id(), PageRequest.first(10)).total());
    }

    @Test
    void refusesATakenUsernameWithinTheTenantOnly() {
        createUser("taken", null, TenantRole.MEMBER);

        assertError(CoreErrorCode.USERNAME_TAKEN, () -> createUser("taken", null, TenantRole.MEMBER));

        assertEquals(2, core.users.list(tenant.id(), PageRequest.first(10)).total());
        Tenant other = core.newTenant().tenant();
        User sameNameElsewhere = core.newMember(other.id(), "taken");
        assertEquals(other.id(), sameNameElsewhere.tenantId());
    }

    @Test
    void refusesUsersOfAnUnknownTenant() {
        assertError(CoreErrorCode.TENANT_NOT_FOUND, () -> core.newMember(Long.MAX_VALUE, "nobody"));
    }

    @Test
    void unknownUsersAreNotFound() {
        assertTrue(core.users.find(tenant.id(), Long.MAX_VALUE).isEmpty());
        assertError(CoreErrorCode.USER_NOT_FOUND, () -> core.users.get(tenant.id(), Long.MAX_VALUE));
        assertError(CoreErrorCode.USER_NOT_FOUND, () -> core.users.identities(tenant.id(), Long.MAX_VALUE));
        assertError(CoreErrorCode.USER_NOT_FOUND, () -> core.users.link(tenant.id(), Long.MAX_VALUE, PHONE));
        assertError(CoreErrorCode.USER_NOT_FOUND,
                () -> core.users.updateProfile(tenant.id(), Long.MAX_VALUE, new Profile("x", null)));
    }

    @Test
    void listsTheTenantsUsersByPage() {
        User first = core.newMember(tenant.id(), "user1");
        User second = core.newMember(tenant.id(), "user2");
        User third = core.newMember(tenant.id(), "user3");

        Page<User> page0 = core.users.list(tenant.id(), new PageRequest(0, 2));
        Page<User> page1 = core.users.list(tenant.id(), new PageRequest(1, 2));
        Page<User> pastTheEnd = core.users.list(tenant.id(), new PageRequest(5, 2));

        assertEquals(List.of(admin, first), page0.items());
        assertEquals(List.of(second, third), page1.items());
        assertEquals(List.of(), pastTheEnd.items());
        assertEquals(List.of(4L, 4L, 4L), List.of(page0.total(), page1.total(), pastTheEnd.total()));
    }

    @Test
    void authenticatesWithTheRightPassword() {
        User member = core.newMember(tenant.id(), "member");

        assertEquals(member, core.users.authenticate(tenant.slug(), "member", MEMBER_PASSWORD));
        assertEquals(admin, core.users.authenticate(tenant.slug(), ADMIN_USERNAME, ADMIN_PASSWORD));
    }

    @Test
    void wrongPasswordUnknownUserAndUnknownTenantGetTheSameAnswer() {
        core.newMember(tenant.id(), "member");

        EdamameException wrongPassword = assertError(CoreErrorCode.INVALID_CREDENTIALS,
                () -> core.users.authenticate(tenant.slug(), "member", "not-the-password"));
        EdamameException unknownUser = assertError(CoreErrorCode.INVALID_CREDENTIALS,
                () -> core.users.authenticate(tenant.slug(), "nobody", MEMBER_PASSWORD));
        EdamameException unknownTenant = assertError(CoreErrorCode.INVALID_CREDENTIALS,
                () -> core.users.authenticate("no-such-tenant", "member", MEMBER_PASSWORD));
        assertError(CoreErrorCode.INVALID_CREDENTIALS,
                () -> core.users.authenticate(tenant.slug(), "member", null));

        assertEquals(wrongPassword.getMessage(), unknownUser.getMessage());
        assertEquals(wrongPassword.getMessage(), unknownTenant.getMessage());
    }

    @Test
    void aSuspendedTenantsUsersCannotSignIn() {
        core.tenants.setStatus(tenant.slug(), TenantStatus.SUSPENDED);

        assertError(CoreErrorCode.TENANT_SUSPENDED,
                () -> core.users.authenticate(tenant.slug(), ADMIN_USERNAME, ADMIN_PASSWORD));
        // Only the right password learns that the tenant is suspended.
        assertError(CoreErrorCode.INVALID_CREDENTIALS,
                () -> core.users.authenticate(tenant.slug(), ADMIN_USERNAME, "not-the-password"));

        core.tenants.setStatus(tenant.slug(), TenantStatus.ACTIVE);
        assertEquals(admin, core.users.authenticate(tenant.slug(), ADMIN_USERNAME, ADMIN_PASSWORD));
    }

    @Test
    void findOrCreateAnswersTheSameUserForTheSameIdentity() {
        User first = core.users.findOrCreate(tenant.id(), OPENID, new Profile("Wei", "https://img.example/wei.png"));
        User second = core.users.findOrCreate(tenant.id(), OPENID, new Profile("Someone else", null));

        assertEquals(first, second);
        assertEquals("Wei", first.displayName(), "the first profile is kept");
        assertEquals("https://img.example/wei.png", first.avatarUrl());
        assertNull(first.username());
        assertEquals(TenantRole.MEMBER, first.role());
        assertEquals(List.of(OPENID), core.users.identities(tenant.id(), first.id()));
        assertEquals(first, core.users.findByIdentity(tenant.id(), OPENID).orElseThrow());
        assertEquals(2, core.users.list(tenant.id(), PageRequest.first(10)).total(), "the admin and one new user");
    }

    @Test
    void anotherProviderWithTheSameSubjectIsAnotherUser() {
        User openid = core.users.findOrCreate(tenant.id(), OPENID, Profile.NONE);
        User otherApp = core.users.findOrCreate(tenant.id(),
                new ExternalIdentity("wechat-openid:wx999", OPENID.subject()), Profile.NONE);

        assertNotEquals(openid.id(), otherApp.id());
    }

    @Test
    void linksAnIdentityToAUser() {
        User user = core.users.findOrCreate(tenant.id(), OPENID, Profile.NONE);

        core.users.link(tenant.id(), user.id(), PHONE);
        core.users.link(tenant.id(), user.id(), PHONE); // linking again changes nothing

        assertEquals(List.of(OPENID, PHONE), core.users.identities(tenant.id(), user.id()));
        assertEquals(user, core.users.findByIdentity(tenant.id(), PHONE).orElseThrow());
        assertEquals(user, core.users.findOrCreate(tenant.id(), PHONE, Profile.NONE));
    }

    @Test
    void refusesToLinkAnIdentityHeldByAnotherUser() {
        User holder = core.users.findOrCreate(tenant.id(), PHONE, Profile.NONE);
        User other = core.newMember(tenant.id(), "other");

        assertError(CoreErrorCode.IDENTITY_TAKEN, () -> core.users.link(tenant.id(), other.id(), PHONE));

        assertEquals(List.of(), core.users.identities(tenant.id(), other.id()));
        assertEquals(holder, core.users.findByIdentity(tenant.id(), PHONE).orElseThrow());
    }

    @Test
    void updatesOnlyTheGivenProfileFields() {
        User user = core.users.findOrCreate(tenant.id(), OPENID, new Profile("Old name", "https://img.example/old.png"));

        User renamed = core.users.updateProfile(tenant.id(), user.id(), new Profile("New name", null));

        assertEquals("New name", renamed.displayName());
        assertEquals("https://img.example/old.png", renamed.avatarUrl());
        assertEquals(renamed, core.users.get(tenant.id(), user.id()));
    }
    @Test
    void findOrCreateRefusesAnInvalidProfile() {
        assertFieldErrors(CoreErrorCode.VALIDATION_FAILED, Set.of("displayName"),
                () -> core.users.findOrCreate(tenant.id(), OPENID, new Profile("d".repeat(121), null)));

        assertTrue(core.users.findByIdentity(tenant.id(), OPENID).isEmpty());
    }

    @Test
    void refusesAnInvalidProfile() {
        assertFieldErrors(CoreErrorCode.VALIDATION_FAILED, Set.of("displayName", "avatarUrl"),
                () -> core.users.updateProfile(tenant.id(), admin.id(),
                        new Profile("d".repeat(121), "https://img.example/" + "a".repeat(1024))));

        assertEquals(admin, core.users.get(tenant.id(), admin.id()));
    }
}
