package io.edamame.core.impl.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordHasherTest {

    private static final PasswordHasher HASHER = new PasswordHasher(1024, 1, 1);
    private static final String PASSWORD = "correct horse battery staple";
    /** A real hash of {@link #PASSWORD}: {@code $argon2id$v=19$m=1024,t=1,p=1$<salt>$<hash>}. */
    private static final String HASH = HASHER.hash(PASSWORD);
    private static final String SALT = HASH.split("\\$")[4];
    private static final String DIGEST = HASH.split("\\$")[5];

    @Test
    void hashesInThePhcFormatWithItsParameters() {
        assertTrue(HASH.startsWith("$argon2id$v=19$m=1024,t=1,p=1$"), HASH);
    }

    @Test
    void verifiesTheRightPassword() {
        assertTrue(HASHER.verify(PASSWORD, HASH));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "correct horse battery stapl", "correct horse battery staple ", "Correct horse battery staple"})
    void refusesAnyOtherPassword(String other) {
        assertFalse(HASHER.verify(other, HASH));
    }

    @Test
    void refusesANullPassword() {
        assertFalse(HASHER.verify(null, HASH));
    }

    @Test
    void twoHashesOfOnePasswordDifferAndBothVerify() {
        String again = HASHER.hash(PASSWORD);

        assertNotEquals(HASH, again);
        assertTrue(HASHER.verify(PASSWORD, again));
    }

    @Test
    void verifiesHashesMadeWithOtherParameters() {
        String stronger = new PasswordHasher(2048, 2, 2).hash(PASSWORD);

        assertTrue(stronger.startsWith("$argon2id$v=19$m=2048,t=2,p=2$"), stronger);
        assertTrue(HASHER.verify(PASSWORD, stronger));
        assertFalse(HASHER.verify("wrong", stronger));
    }

    static Stream<String> malformedHashes() {
        return Stream.of(
                "plain-text-password",
                PASSWORD,
                "$argon2i$v=19$m=1024,t=1,p=1$" + SALT + "$" + DIGEST,
                "$argon2id$v=18$m=1024,t=1,p=1$" + SALT + "$" + DIGEST,
                "$argon2id$v=19$m=1024,t=1,x=1$" + SALT + "$" + DIGEST,
                "$argon2id$v=19$m=abc,t=1,p=1$" + SALT + "$" + DIGEST,
                "$argon2id$v=19$m=,t=1,p=1$" + SALT + "$" + DIGEST,
                "$argon2id$v=19$m$" + SALT + "$" + DIGEST,
                "$argon2id$v=19$m=1024,t=1,p=1$" + SALT,
                "$argon2id$v=19$m=1024,t=1,p=1$" + SALT + "$" + DIGEST + "$extra",
                "$argon2id$v=19$m=1024,t=1,p=1$!!not-base64!!$" + DIGEST,
                "$argon2id$v=19$m=1024,t=1,p=1$" + SALT + "$" + DIGEST.substring(0, DIGEST.length() - 4),
                "$argon2id$v=19$m=2048,t=1,p=1$" + SALT + "$" + DIGEST,
                "$argon2id$v=19$m=1024,t=1,p=1$" + SALT + "$" + otherFirstCharacter(DIGEST),
                "$argon2id$v=19$m=1024,t=1,p=1$" + otherFirstCharacter(SALT) + "$" + DIGEST);
    }

    private static String otherFirstCharacter(String base64) {
        return (base64.charAt(0) == 'A' ? "B" : "A") + base64.substring(1);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @MethodSource("malformedHashes")
    void malformedHashesNeverMatch(String malformed) {
        assertFalse(HASHER.verify(PASSWORD, malformed));
    }

    /** Well-formed strings whose parameters Argon2 refuses: Bouncy Castle throws IllegalStateException. */
    static Stream<String> hashesWithUnusableParameters() {
        return Stream.of(
                "$argon2id$v=19$m=1024,t=0,p=1$" + SALT + "$" + DIGEST,
                "$argon2id$v=19$m=1024,t=1,p=0$" + SALT + "$" + DIGEST,
                "$argon2id$v=19$t=1,p=1$" + SALT + "$" + DIGEST,
                "$argon2id$v=19$m=1024,t=1,p=1$" + SALT + "$AAA");
    }
    @ParameterizedTest
    @MethodSource("hashesWithUnusableParameters")
    void hashesWithUnusableParametersNeverMatch(String malformed) {
        assertFalse(HASHER.verify(PASSWORD, malformed));
    }
}
