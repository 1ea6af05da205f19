package io.edamame.core.impl.auth;

import static io.edamame.core.testing.Errors.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.edamame.core.api.Caller;
import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.Page;
import io.edamame.core.api.PageRequest;
import io.edamame.core.api.Tenant;
import io.edamame.core.api.TenantRole;
import io.edamame.core.api.TenantService;
import io.edamame.core.api.TenantStatus;
import io.edamame.core.api.TokenService.AccessToken;
import io.edamame.core.api.User;
import io.edamame.core.testing.MutableClock;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenServiceImplTest {

    private static final Instant NOW = Instant.parse("2024-05-01T08:00:00Z");
    private static final long TTL_SECONDS = 3600;
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final String SECRET = Base64.getEncoder().encodeToString(KEY);
    private static final String OTHER_SECRET = Base64.getEncoder()
            .encodeToString("fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII));

    private static final Tenant ACME = new Tenant(7, "acme", "Acme", TenantStatus.ACTIVE, NOW);
    private static final User ADMIN = new User(42, 7, "admin", "Admin", null, TenantRole.TENANT_ADMIN, NOW);
    private static final User MEMBER = new User(43, 7, "member", "Member", null, TenantRole.MEMBER, NOW);

    private final InMemoryTenants tenants = new InMemoryTenants(ACME);
    private final TokenServiceImpl service = at(NOW);

    private TokenServiceImpl at(Instant now) {
        return new TokenServiceImpl(tenants, SECRET, TTL_SECONDS, Clock.fixed(now, ZoneOffset.UTC));
    }

    private static void assertUnauthenticated(TokenServiceImpl verifier, String token) {
        assertError(CoreErrorCode.UNAUTHENTICATED, () -> verifier.verify(token));
    }

    // ---- round trip

    @Test
    void anIssuedTokenVerifiesToItsCaller() {
        AccessToken token = service.issue(ACME, ADMIN);

        assertEquals(NOW.plusSeconds(TTL_SECONDS), token.expiresAt());
        assertEquals(new Caller(7, "acme", 42, TenantRole.TENANT_ADMIN), service.verify(token.token()));
        assertEquals(new Caller(7, "acme", 43, TenantRole.MEMBER), service.verify(service.issue(ACME, MEMBER).token()));
    }

    @Test
    void anotherNodeWithTheSameSecretAcceptsTheToken() {
        String token = service.issue(ACME, ADMIN).token();

        assertEquals(42, at(NOW.plusSeconds(60)).verify(token).userId());
    }

    // ---- refused tokens

    @Test
    void refusesAForgedSignature() {
        String[] parts = service.issue(ACME, ADMIN).token().split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(new byte[32]);

        assertUnauthenticated(service, forged);
    }

    @Test
    void refusesATamperedPayload() {
        String[] parts = service.issue(ACME, MEMBER).token().split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String promoted = payload.replace("\"MEMBER\"", "\"TENANT_ADMIN\"");
        assertNotEquals(payload, promoted, "the role is in the payload");

        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(promoted.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];

        assertUnauthenticated(service, tampered);
    }

    @Test
    void refusesATokenSignedWithAnotherSecret() {
        TokenServiceImpl otherPlatform = new TokenServiceImpl(tenants, OTHER_SECRET, TTL_SECONDS,
                Clock.fixed(NOW, ZoneOffset.UTC));

        assertUnauthenticated(service, otherPlatform.issue(ACME, ADMIN).token());
    }

    @Test
    void refusesAnExpiredToken() {
        String token = service.issue(ACME, ADMIN).token();

        assertEquals(42, at(NOW.plusSeconds(TTL_SECONDS - 1)).verify(token).userId());
        assertUnauthenticated(at(NOW.plusSeconds(TTL_SECONDS)), token);
        assertUnauthenticated(at(NOW.plusSeconds(TTL_SECONDS + 1)), token);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "garbage", "a.b", "a.b.c", "...", "Bearer x.y.z",
            // {"alg":"none"} with a payload and no signature
            "eyJhbGciOiJub25lIn0.eyJzdWIiOiI0MiIsInRpZCI6NywidGVuIjoiYWNtZSIsInJvbGUiOiJURU5BTlRfQURNSU4ifQ."})
    void refusesGarbage(String garbage) {
        assertUnauthenticated(service, garbage);
    }
    @Test
    void refusesANullToken() {
        assertUnauthenticated(service, null);
    }

    @Test
    void refusesATokenOfAnotherAlgorithm() throws JOSEException {
        byte[] longKey = (new String(KEY, StandardCharsets.US_ASCII) + new String(KEY, StandardCharsets.US_ASCII))
                .getBytes(StandardCharsets.US_ASCII);
        String secret = Base64.getEncoder().encodeToString(longKey);
        TokenServiceImpl verifier = new TokenServiceImpl(tenants, secret, TTL_SECONDS, Clock.fixed(NOW, ZoneOffset.UTC));

        SignedJWT hs512 = new SignedJWT(new JWSHeader(JWSAlgorithm.HS512), validClaims().build());
        hs512.sign(new MACSigner(longKey));

        assertUnauthenticated(verifier, hs512.serialize());
    }

    @Test
    void refusesATokenOfAnotherIssuer() {
        assertUnauthenticated(service, sign(claims -> claims.issuer("someone-else")));
        assertUnauthenticated(service, sign(claims -> claims.issuer(null)));
    }

    @Test
    void refusesMalformedClaims() {
        assertUnauthenticated(service, sign(claims -> claims.claim("tid", "seven")));
        assertUnauthenticated(service, sign(claims -> claims.claim("tid", null)));
        assertUnauthenticated(service, sign(claims -> claims.claim("role", "GOD")));
        assertUnauthenticated(service, sign(claims -> claims.subject("not-a-number")));
        assertUnauthenticated(service, sign(claims -> claims.subject(null)));
        assertUnauthenticated(service, sign(claims -> claims.expirationTime(null)));
    }

    @Test
    void aHandSignedTokenWithValidClaimsIsAccepted() {
        // The forgeries above differ from this one by one claim only.
        assertEquals(new Caller(7, "acme", 42, TenantRole.TENANT_ADMIN), service.verify(sign(claims -> { })));
    }

    @Test
    void refusesATokenOfATenantThatNoLongerExists() {
        String token = service.issue(ACME, ADMIN).token();
        tenants.remove(ACME.id());

        assertUnauthenticated(service, token);
    }

    @Test
    void refusesATokenWhoseTenantSlugDoesNotMatch() {
        String token = service.issue(ACME, ADMIN).token();
        tenants.put(new Tenant(ACME.id(), "renamed", "Acme", TenantStatus.ACTIVE, NOW));

        assertUnauthenticated(service, token);
    }

    @Test
    void refusesATokenOfASuspendedTenant() {
        String token = service.issue(ACME, ADMIN).token();
        tenants.put(new Tenant(ACME.id(), ACME.slug(), ACME.name(), TenantStatus.SUSPENDED, NOW));

        assertError(CoreErrorCode.TENANT_SUSPENDED, () -> service.verify(token));
    }

    // ---- verified tokens are remembered, but only their signature and claims

    @Test
    void aRememberedTokenStillExpires() {
        MutableClock clock = new MutableClock(NOW);
        TokenServiceImpl verifier = new TokenServiceImpl(tenants, SECRET, TTL_SECONDS, clock);
        String token = verifier.issue(ACME, ADMIN).token();
        assertEquals(42, verifier.verify(token).userId());

        clock.advance(Duration.ofSeconds(TTL_SECONDS));

        assertUnauthenticated(verifier, token);
    }

    @Test
    void aRememberedTokenIsRefusedOnceItsTenantIsSuspended() {
        String token = service.issue(ACME, ADMIN).token();
        assertEquals(42, service.verify(token).userId());

        tenants.put(new Tenant(ACME.id(), ACME.slug(), ACME.name(), TenantStatus.SUSPENDED, NOW));

        assertError(CoreErrorCode.TENANT_SUSPENDED, () -> service.verify(token));
    }

    @Test
    void aNewSecretInvalidatesRememberedTokens() {
        String token = service.issue(ACME, ADMIN).token();
        assertEquals(42, service.verify(token).userId());

        service.modified(config(OTHER_SECRET));

        assertUnauthenticated(service, token);
        assertEquals(42, service.verify(service.issue(ACME, ADMIN).token()).userId());
    }

    @Test
    void aForgeryIsNeverRemembered() {
        String forged = sign(claims -> claims.claim("role", "TENANT_ADMIN")).replaceFirst("\\.[^.]*$", ".AAAA");

        assertUnauthenticated(service, forged);
        assertUnauthenticated(service, forged);
    }

    @Test
    void moreTokensThanTheCacheHoldsAllVerify() {
        String first = service.issue(ACME, ADMIN).token();
        assertEquals(42, service.verify(first).userId());
        for (int i = 0; i < TokenServiceImpl.VERIFIED_CACHE_MAX; i++) {
            assertEquals(43, service.verify(service.issue(ACME, MEMBER).token()).userId());
        }

        assertEquals(42, service.verify(first).userId());
    }

    // ---- configuration

    @Test
    void refusesASecretShorterThan32Bytes() {
        String short31 = Base64.getEncoder().encodeToString(new byte[31]);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TokenServiceImpl(tenants, short31, TTL_SECONDS, Clock.systemUTC()));

        assertTrue(e.getMessage().contains("token.secret"), e.getMessage());
    }

    @Test
    void acceptsASecretOfExactly32Bytes() {
        String exact = Base64.getEncoder().encodeToString(new byte[32]);

        new TokenServiceImpl(tenants, exact, TTL_SECONDS, Clock.systemUTC());
    }

    @Test
    void refusesASecretThatIsNotBase64() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TokenServiceImpl(tenants, "not base64 at all!", TTL_SECONDS, Clock.systemUTC()));

        assertTrue(e.getMessage().contains("token.secret"), e.getMessage());
    }

    @Test
    void refusesALifetimeUnderAMinute() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TokenServiceImpl(tenants, SECRET, 59, Clock.systemUTC()));

        assertTrue(e.getMessage().contains("token.ttl.seconds"), e.getMessage());
    }

    // ---- helpers

    /** The claims {@link TokenServiceImpl#issue} puts in a token of {@link #ADMIN}. */
    private static JWTClaimsSet.Builder validClaims() {
        return new JWTClaimsSet.Builder()
                .issuer("edamame")
                .subject("42")
                .claim("tid", 7L)
                .claim("ten", "acme")
                .claim("role", "TENANT_ADMIN")
                .issueTime(Date.from(NOW))
                .expirationTime(Date.from(NOW.plusSeconds(TTL_SECONDS)));
    }

    /** A token signed with the right secret, its claims changed by {@code change}. */
    private static String sign(Consumer<JWTClaimsSet.Builder> change) {
        JWTClaimsSet.Builder claims = validClaims();
        change.accept(claims);
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        try {
            jwt.sign(new MACSigner(KEY));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static TokenConfig config(String secret) {
        return new TokenConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return TokenConfig.class;
            }

            @Override
            public String token_secret() {
                return secret;
            }

            @Override
            public long token_ttl_seconds() {
                return TTL_SECONDS;
            }

            @Override
            public String token_issuer() {
                return "edamame";
            }
        };
    }

    /** The tenants the token service looks up, by id; nothing else is needed. */
    private static final class InMemoryTenants implements TenantService {

        private final Map<Long, Tenant> byId = new HashMap<>();

        InMemoryTenants(Tenant... tenants) {
            for (Tenant tenant : tenants) {
                put(tenant);
            }
        }

        void put(Tenant tenant) {
            byId.put(tenant.id(), tenant);
        }

        void remove(long tenantId) {
            byId.remove(tenantId);
        }

        @Override
        public Optional<Tenant> find(long tenantId) {
            return Optional.ofNullable(byId.get(tenantId));
        }

        @Override
        public Optional<Tenant> find(String slug) {
            return byId.values().stream().filter(t -> t.slug().equals(slug)).findFirst();
        }

        @Override
        public CreatedTenant create(String slug, String name, String adminUsername, String adminPassword) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Page<Tenant> list(PageRequest page) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long count() {
            return byId.size();
        }

        @Override
        public Tenant setStatus(String slug, TenantStatus status) {
            throw new UnsupportedOperationException();
        }
    }
}
