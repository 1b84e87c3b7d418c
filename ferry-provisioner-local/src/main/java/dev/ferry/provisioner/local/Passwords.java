package dev.ferry.provisioner.local;

import dev.ferry.core.Secret;
import java.security.SecureRandom;
import java.util.Base64;

/** Generated superuser passwords: 24 random bytes, URL-safe Base64 (32 characters, no quoting needed). */
final class Passwords {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Passwords() {}

    static Secret generate() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return new Secret(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }
}
