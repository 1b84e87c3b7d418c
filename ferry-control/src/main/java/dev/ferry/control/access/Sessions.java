package dev.ferry.control.access;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console's sign-in sessions: a browser that presented a valid API token gets a random session id (for a
 * cookie) and acts as that token from then on, without keeping the token. Every use checks the token again, so
 * revoking or expiring it ends its sessions. A session ends after {@link #IDLE} unused, after {@link #MAX_AGE}, at
 * sign-out, or when the server stops (sessions live in its memory only; signing in again is the remedy). Only the
 * SHA-256 of ids and tokens is held. Thread-safe.
 */
public final class Sessions {
    private static final Logger log = LoggerFactory.getLogger(Sessions.class);

    static final Duration IDLE = Duration.ofHours(1);
    static final Duration MAX_AGE = Duration.ofHours(12);
    /** Beyond this many open sessions, expired ones are dropped and then the oldest. */
    static final int MAX_SESSIONS = 1_000;
    private static final int ID_BYTES = 32;

    private final TokenService tokens;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> open = new ConcurrentHashMap<>();

    /** A signed-in browser: the token it presented (as its hash), when it signed in and when it last made a call. */
    private record Session(String tokenHash, Instant created, Instant lastUsed) {
        Session used(Instant now) {
            return new Session(tokenHash, created, now);
        }

        boolean expiredAt(Instant now) {
            return now.isAfter(lastUsed.plus(IDLE)) || now.isAfter(created.plus(MAX_AGE));
        }
    }

    /** A session just opened: its id, for the cookie only, and who it acts as. */
    public record Opened(String id, Caller caller) {
        @Override
        public String toString() {
            return "Opened[***, " + caller + "]";
        }
    }

    public Sessions(TokenService tokens, Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
    }

    /** Opens a session for the caller presenting {@code token}; UNAUTHENTICATED when the token is not valid. */
    public Opened open(String token) {
        Caller caller = tokens.authenticate(token);
        Instant now = clock.instant();
        makeRoom(now);
        byte[] raw = new byte[ID_BYTES];
        random.nextBytes(raw);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        open.put(TokenService.hash(id), new Session(TokenService.hash(token.trim()), now, now));
        log.atInfo().addKeyValue("token", caller.name()).log("console session opened");
        return new Opened(id, caller);
    }

    /** The caller of the session {@code id}; UNAUTHENTICATED when it is unknown, ended or its token no longer valid. */
    public Caller caller(String id) {
        String key = TokenService.hash(id);
        Session session = open.get(key);
        Instant now = clock.instant();
        if (session == null || session.expiredAt(now)) {
            open.remove(key);
            throw new FerryException(ErrorCode.UNAUTHENTICATED,
                    "The console session ended (signed out, idle for an hour, older than 12 hours, or the server "
                            + "restarted); sign in again");
        }
        Caller caller;
        try {
            caller = tokens.authenticateHash(session.tokenHash());
        } catch (FerryException e) {
            open.remove(key);
            throw e;
        }
        open.replace(key, session, session.used(now));
        return caller;
    }

    /** Ends the session {@code id}; nothing happens when there is none. */
    public void close(String id) {
        if (open.remove(TokenService.hash(id)) != null) {
            log.atInfo().log("console session closed");
        }
    }

    private void makeRoom(Instant now) {
        if (open.size() < MAX_SESSIONS) {
            return;
        }
        open.values().removeIf(s -> s.expiredAt(now));
        while (open.size() >= MAX_SESSIONS) {
            open.entrySet().stream().min(Map.Entry.comparingByValue((a, b) -> a.created().compareTo(b.created())))
                    .ifPresent(oldest -> open.remove(oldest.getKey()));
        }
    }
}
