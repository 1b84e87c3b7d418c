package dev.ferry.core.model;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A bearer token of the API as the store keeps it: its name, role, the SHA-256 of the token (hex; the
 * token itself is never stored) and when it expires ({@code expireTime} null: never).
 */
public record ApiToken(String name, Role role, String tokenHash, Instant createTime, Instant expireTime,
        String createdBy) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?");
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    public ApiToken {
        requireValidName(name);
        Objects.requireNonNull(role, "role");
        if (tokenHash == null || !HASH.matcher(tokenHash).matches()) {
            throw new IllegalArgumentException("tokenHash must be 64 lower-case hex digits");
        }
        Objects.requireNonNull(createTime, "createTime");
    }

    /** Whether the token is past its expiry at {@code now}. */
    public boolean expiredAt(Instant now) {
        return expireTime != null && !now.isBefore(expireTime);
    }

    /** True for 1-63 lower-case letters, digits, '.', '_' or '-', starting and ending with a letter or digit. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    private static void requireValidName(String name) {
        if (!isValidName(name)) {
            throw new IllegalArgumentException("not a valid token name: " + name);
        }
    }
}
