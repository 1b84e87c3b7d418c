package dev.ferry.control.access;

import dev.ferry.control.operation.Operations;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.ApiToken;
import dev.ferry.core.model.Operation;
import dev.ferry.core.model.ReliabilityConfig;
import dev.ferry.core.model.Role;
import dev.ferry.store.Store;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API tokens: created with 256 random bits, shown once, kept only as their SHA-256; looked up by that
 * hash on every call. Thread-safe.
 */
public final class TokenService {
    private static final Logger log = LoggerFactory.getLogger(TokenService.class);

    /** What every token starts with, so a leaked one is easy to recognise in a scan. */
    static final String PREFIX = "ferry_";
    private static final int TOKEN_BYTES = 32;
    /** The name of the token the first start of a server writes to HOME/admin.token. */
    public static final String FIRST_ADMIN = "admin";
    private static final Duration MAX_EXPIRY = Duration.ofDays(3650);

    private final Store store;
    private final Operations operations;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final ReentrantLock lock = new ReentrantLock();

    public TokenService(Store store, Operations operations, Clock clock) {
        this.store = store;
        this.operations = operations;
        this.clock = clock;
    }

    /** Creates a token; {@code expiresIn} null means it never expires. */
    public IssuedToken create(String name, Role role, Duration expiresIn, String requestId) {
        if (!ApiToken.isValidName(name)) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "Token name '%s' is not valid; use 1-63 lower-case letters, digits, '.', '_' or '-', starting and ending with a letter or digit"
                            .formatted(name));
        }
        if (role == null) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "A role is required: admin or viewer");
        }
        if (expiresIn != null && (expiresIn.isNegative() || expiresIn.isZero() || expiresIn.compareTo(MAX_EXPIRY) > 0)) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "A token's expiry must be more than zero and at most 3650d");
        }
        IssuedToken[] issued = new IssuedToken[1];
        Operation op = operations.once("create", target(name), requestId, () -> {
            lock.lock();
            try {
                if (store.listTokens().stream().anyMatch(t -> t.name().equals(name))) {
                    throw new FerryException(ErrorCode.ALREADY_EXISTS,
                            "API token %s already exists; revoke it first or choose another name".formatted(name));
                }
                issued[0] = issue(name, role, expiresIn, requestId);
                return issued[0].operation();
            } finally {
                lock.unlock();
            }
        });
        if (issued[0] != null) {
            return issued[0];
        }
        ApiToken existing = store.listTokens().stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new FerryException(ErrorCode.NOT_FOUND,
                        "API token %s was created by this request id and revoked since".formatted(name)));
        return new IssuedToken(existing, null, op);
    }

    public List<ApiToken> list() {
        return store.listTokens();
    }

    /** Deletes the token: the next call that presents it gets 401. */
    public Operation revoke(String name, String requestId) {
        return operations.once("delete", target(name), requestId, () -> {
            lock.lock();
            try {
                if (store.listTokens().stream().noneMatch(t -> t.name().equals(name))) {
                    throw new FerryException(ErrorCode.NOT_FOUND,
                            "API token %s not found; list them with: ferry tokens list".formatted(name));
                }
                store.deleteToken(name);
                log.atInfo().addKeyValue("token", name).addKeyValue("by", CurrentCaller.get().name()).log("API token revoked");
                return operations.done("delete", target(name), requestId, "token revoked");
            } finally {
                lock.unlock();
            }
        });
    }

    /**
     * The caller presenting {@code token}; UNAUTHENTICATED when it is missing, unknown, revoked or
     * expired. The message never repeats the token.
     */
    public Caller authenticate(String token) {
        if (token == null || token.isBlank()) {
            throw new FerryException(ErrorCode.UNAUTHENTICATED,
                    "This call needs an API token: send the header Authorization: Bearer TOKEN (the CLI sends FERRY_TOKEN)");
        }
        return authenticateHash(hash(token.trim()));
    }

    /** The caller presenting the token whose hash is {@code tokenHash}; UNAUTHENTICATED as {@link #authenticate}. */
    Caller authenticateHash(String tokenHash) {
        Optional<ApiToken> found = store.findTokenByHash(tokenHash);
        if (found.isEmpty()) {
            throw new FerryException(ErrorCode.UNAUTHENTICATED,
                    "The API token is not valid (unknown or revoked); ask an admin for a token: ferry tokens create NAME --role viewer");
        }
        ApiToken known = found.get();
        if (known.expiredAt(clock.instant())) {
            throw new FerryException(ErrorCode.UNAUTHENTICATED,
                    "API token %s expired at %s; ask an admin for a new one".formatted(known.name(), known.expireTime()));
        }
        return new Caller(known.name(), known.role());
    }

    /**
     * When no admin token can be used (none exists, or all expired), creates one and returns it, so the
     * first start of a server can hand it to its operator; empty otherwise. Tokens live in the store, so of several
     * servers sharing it only the first to start creates one (and writes its file), even when they start at once.
     */
    public Optional<IssuedToken> bootstrapAdmin() {
        lock.lock();
        try {
            Instant now = clock.instant();
            List<ApiToken> tokens = store.listTokens();
            if (tokens.stream().anyMatch(t -> t.role() == Role.ADMIN && !t.expiredAt(now))) {
                return Optional.empty();
            }
            String name = FIRST_ADMIN;
            for (int n = 2; isTaken(tokens, name); n++) {
                name = FIRST_ADMIN + "-" + n;
            }
            IssuedToken issued;
            try {
                issued = issue(name, Role.ADMIN, null, null);
            } catch (FerryException e) {
                // Several servers sharing the store started at once: the first one made the admin token (and wrote it to
                // its home), so the others write none.
                if (store.listTokens().stream().anyMatch(t -> t.role() == Role.ADMIN && !t.expiredAt(now))) {
                    log.atInfo().addKeyValue("token", name).log("another server sharing the store created the first admin token");
                    return Optional.empty();
                }
                throw e;
            }
            log.atInfo().addKeyValue("token", name).log("no usable admin token: created one");
            return Optional.of(issued);
        } finally {
            lock.unlock();
        }
    }

    /** {@code 30d}, {@code 12h}, {@code 90m}, {@code 3600s}; null for null or blank. */
    public static Duration parseExpiry(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.matches("\\d{1,5}d")) {
            return Duration.ofDays(Long.parseLong(t.substring(0, t.length() - 1)));
        }
        return ReliabilityConfig.parseDuration("expiresIn", text);
    }

    /** The SHA-256 of the token's UTF-8 bytes, as 64 lower-case hex digits. */
    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    private IssuedToken issue(String name, Role role, Duration expiresIn, String requestId) {
        byte[] raw = new byte[TOKEN_BYTES];
        random.nextBytes(raw);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Instant now = clock.instant();
        var token = new ApiToken(name, role, hash(secret), now, expiresIn == null ? null : now.plus(expiresIn),
                CurrentCaller.get().name());
        store.insertToken(token);
        log.atInfo().addKeyValue("token", name).addKeyValue("role", role.id()).addKeyValue("by", token.createdBy())
                .log("API token created");
        Operation op = operations.done("create", target(name), requestId, "token created");
        return new IssuedToken(token, secret, op);
    }

    private static boolean isTaken(List<ApiToken> tokens, String name) {
        return tokens.stream().anyMatch(t -> t.name().equals(name));
    }

    /** The operation target naming this resource. */
    private static String target(String name) {
        return "tokens/" + name;
    }
}
