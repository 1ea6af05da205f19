package io.edamame.core.impl.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.edamame.core.api.Caller;
import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.Tenant;
import io.edamame.core.api.TenantRole;
import io.edamame.core.api.TenantService;
import io.edamame.core.api.TokenService;
import io.edamame.core.api.User;
import java.io.IOException;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HS256-signed JWTs (Nimbus JOSE+JWT) carrying the tenant, the user and the tenant role. A token of a
 * tenant that has been suspended since it was issued is refused.
 */
@Component(service = TokenService.class, configurationPid = TokenConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = TokenConfig.class)
public class TokenServiceImpl implements TokenService {

    private static final Logger LOG = LoggerFactory.getLogger(TokenServiceImpl.class);
    private static final int MIN_SECRET_BYTES = 32;
    private static final String CLAIM_TENANT_ID = "tid";
    private static final String CLAIM_TENANT = "ten";
    private static final String CLAIM_ROLE = "role";

    private final TenantService tenants;
    private final Clock clock;
    private volatile Keys keys;

    /** Above this many verified tokens the cache drops its expired entries, or else all of them. */
    static final int VERIFIED_CACHE_MAX = 10_000;

    /**
     * The signing keys and the tokens verified with them: parsing and checking a token's signature is
     * most of the cost of authenticating a request, and a client sends the same token many times.
     * New keys start with an empty cache, so a rotated secret invalidates every cached token.
     */
    private record Keys(MACSigner signer, MACVerifier verifier, long ttlSeconds, String issuer,
                        Map<String, Verified> verified) {
    }

    /** What a token with a valid signature says. */
    private record Verified(long tenantId, String slug, long userId, TenantRole role, Instant expires) {
    }

    @Activate
    public TokenServiceImpl(@Reference TenantService tenants, @Reference ConfigurationAdmin configurationAdmin,
                            TokenConfig config) throws IOException {
        this.tenants = tenants;
        this.clock = Clock.systemUTC();
        String secret = config.token_secret();
        if (secret == null || secret.isBlank()) {
            secret = generateAndSaveSecret(configurationAdmin);
        }
        this.keys = keys(secret, config.token_ttl_seconds(), config.token_issuer());
    }

    /** For tests: a fixed secret and clock. */
    public TokenServiceImpl(TenantService tenants, String secret, long ttlSeconds, Clock clock) {
        this.tenants = tenants;
        this.clock = clock;
        this.keys = keys(secret, ttlSeconds, "edamame");
    }

    @Modified
    void modified(TokenConfig config) {
        if (config.token_secret() != null && !config.token_secret().isBlank()) {
            keys = keys(config.token_secret(), config.token_ttl_seconds(), config.token_issuer());
        }
    }

    private static String generateAndSaveSecret(ConfigurationAdmin configurationAdmin) throws IOException {
        byte[] bytes = new byte[MIN_SECRET_BYTES];
        new SecureRandom().nextBytes(bytes);
        String secret = Base64.getEncoder().encodeToString(bytes);
        Configuration configuration = configurationAdmin.getConfiguration(TokenConfig.PID, "?");
        Dictionary<String, Object> properties = Optional.ofNullable(configuration.getProperties())
                .orElseGet(Hashtable::new);
        properties.put("token.secret", secret);
        configuration.update(properties);
        LOG.info("AUTH: generated a new token signing secret and saved it in configuration {}", TokenConfig.PID);
        return secret;
    }

    private static Keys keys(String secret, long ttlSeconds, String issuer) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(secret.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(TokenConfig.PID + ": token.secret is not valid Base64", e);
        }
        if (key.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException(TokenConfig.PID + ": token.secret must decode to at least "
                    + MIN_SECRET_BYTES + " bytes, it has " + key.length);
        }
        if (ttlSeconds < 60) {
            throw new IllegalArgumentException(TokenConfig.PID + ": token.ttl.seconds must be at least 60");
        }
        try {
            return new Keys(new MACSigner(key), new MACVerifier(key), ttlSeconds, issuer, new ConcurrentHashMap<>());
        } catch (JOSEException e) {
            throw new IllegalArgumentException(TokenConfig.PID + ": token.secret is unusable: " + e.getMessage(), e);
        }
    }

    @Override
    public AccessToken issue(Tenant tenant, User user) {
        Keys current = keys;
        Instant now = clock.instant();
        Instant expires = now.plusSeconds(current.ttlSeconds());
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(current.issuer())
                .subject(Long.toString(user.id()))
                .claim(CLAIM_TENANT_ID, tenant.id())
                .claim(CLAIM_TENANT, tenant.slug())
                .claim(CLAIM_ROLE, user.role().name())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(expires))
                .jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(current.signer());
        } catch (JOSEException e) {
            throw new EdamameException(CoreErrorCode.INTERNAL_ERROR, "Token signing failed", null, e);
        }
        return new AccessToken(jwt.serialize(), expires);
    }

    @Override
    public Caller verify(String token) {
        if (token == null || token.isBlank()) {
            throw unauthenticated("A bearer token is required");
        }
        Verified verified = verified(keys, token);
        if (!verified.expires().isAfter(clock.instant())) {
            throw unauthenticated("Token has expired");
        }
        // Checked on every use, not cached with the token: suspending a tenant locks its tokens out at once.
        Tenant tenant = tenants.find(verified.tenantId()).filter(t -> t.slug().equals(verified.slug()))
                .orElseThrow(() -> unauthenticated("Token's tenant does not exist"));
        if (!tenant.isActive()) {
            throw new EdamameException(CoreErrorCode.TENANT_SUSPENDED, "Tenant '" + verified.slug() + "' is suspended");
        }
        return new Caller(verified.tenantId(), verified.slug(), verified.userId(), verified.role());
    }

    private Verified verified(Keys current, String token) {
        Verified verified = current.verified().get(token);
        if (verified == null) {
            verified = verifySignatureAndClaims(current, token);
            if (current.verified().size() >= VERIFIED_CACHE_MAX) {
                Instant now = clock.instant();
                current.verified().values().removeIf(v -> !v.expires().isAfter(now));
                if (current.verified().size() >= VERIFIED_CACHE_MAX) {
                    current.verified().clear();
                }
            }
            current.verified().put(token, verified);
        }
        return verified;
    }

    private static Verified verifySignatureAndClaims(Keys current, String token) {
        JWTClaimsSet claims;
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(current.verifier())) {
                throw unauthenticated("Token signature is invalid");
            }
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException | JOSEException | IllegalStateException e) {
            throw unauthenticated("Token is malformed");
        }
        Date expires = claims.getExpirationTime();
        if (expires == null) {
            throw unauthenticated("Token has expired");
        }
        if (!current.issuer().equals(claims.getIssuer())) {
            throw unauthenticated("Token was not issued here");
        }
        try {
            return new Verified((Long) claims.getClaim(CLAIM_TENANT_ID), claims.getStringClaim(CLAIM_TENANT),
                    Long.parseLong(claims.getSubject()), TenantRole.valueOf(claims.getStringClaim(CLAIM_ROLE)),
                    expires.toInstant());
        } catch (ParseException | ClassCastException | IllegalArgumentException | NullPointerException e) {
            throw unauthenticated("Token claims are malformed");
        }
    }

    private static EdamameException unauthenticated(String message) {
        return new EdamameException(CoreErrorCode.UNAUTHENTICATED, message);
    }
}
