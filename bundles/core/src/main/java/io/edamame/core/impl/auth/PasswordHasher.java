package io.edamame.core.impl.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.osgi.service.component.annotations.Component;

/**
 * Argon2id password hashes (Bouncy Castle) in the PHC string format
 * {@code $argon2id$v=19$m=<KiB>,t=<iterations>,p=<lanes>$<salt>$<hash>}, so that parameters can be
 * raised later without invalidating stored hashes. Defaults follow OWASP's minimum (m=19 MiB, t=2, p=1).
 */
@Component(service = PasswordHasher.class)
public final class PasswordHasher {

    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final int MAX_MEMORY_KIB = 256 * 1024;

    private final SecureRandom random = new SecureRandom();
    private final int memoryKiB;
    private final int iterations;
    private final int lanes;
    /**
     * Verified against for unknown users, so that a login takes as long whether the user exists or not:
     * a well-formed hash with our parameters whose hash part is random, so it never matches. Not derived
     * from a password, which would cost a full Argon2 run on every start.
     */
    private final String decoy;

    public PasswordHasher() {
        this(19 * 1024, 2, 1);
    }

    public PasswordHasher(int memoryKiB, int iterations, int lanes) {
        this.memoryKiB = memoryKiB;
        this.iterations = iterations;
        this.lanes = lanes;
        this.decoy = encode(randomBytes(SALT_BYTES), randomBytes(HASH_BYTES));
    }

    public String hash(String password) {
        byte[] salt = randomBytes(SALT_BYTES);
        return encode(salt, derive(password, salt, memoryKiB, iterations, lanes, HASH_BYTES));
    }

    private String encode(byte[] salt, byte[] hash) {
        return "$argon2id$v=19$m=" + memoryKiB + ",t=" + iterations + ",p=" + lanes
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    private byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Whether {@code password} matches {@code encoded}; a null or malformed hash never matches. */
    public boolean verify(String password, String encoded) {
        if (password == null) {
            return false;
        }
        if (encoded == null) {
            verify(password, decoy);
            return false;
        }
        String[] parts = encoded.split("\\$");
        // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
        if (parts.length != 6 || !"argon2id".equals(parts[1]) || !"v=19".equals(parts[2])) {
            return false;
        }
        try {
            int m = 0;
            int t = 0;
            int p = 0;
            for (String param : parts[3].split(",")) {
                int value = Integer.parseInt(param.substring(2));
                switch (param.charAt(0)) {
                    case 'm' -> m = value;
                    case 't' -> t = value;
                    case 'p' -> p = value;
                    default -> {
                        return false;
                    }
                }
            }
            byte[] salt = B64D.decode(parts[4]);
            byte[] expected = B64D.decode(parts[5]);
            // A stored hash is data: refuse parameters that would fail or exhaust memory.
            if (m < 8 || m > MAX_MEMORY_KIB || t < 1 || t > 16 || p < 1 || p > 16
                    || salt.length < 8 || expected.length < 16 || expected.length > 64) {
                return false;
            }
            byte[] actual = derive(password, salt, m, t, p, expected.length);
            return MessageDigest.isEqual(expected, actual);
        } catch (IllegalArgumentException | IllegalStateException | StringIndexOutOfBoundsException e) {
            return false;
        }
    }

    private static byte[] derive(String password, byte[] salt, int m, int t, int p, int length) {
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(m)
                .withIterations(t)
                .withParallelism(p)
                .withSalt(salt)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] out = new byte[length];
        generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
