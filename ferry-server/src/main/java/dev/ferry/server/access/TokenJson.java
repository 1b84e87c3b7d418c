package dev.ferry.server.access;

import dev.ferry.control.access.IssuedToken;
import dev.ferry.core.model.ApiToken;
import dev.ferry.server.http.Times;
import java.time.Instant;

/**
 * The JSON form of an API token: {@code name, role, createTime, expireTime, expired, createdBy}, and
 * {@code token} only in the answer to its creation. The hash is never shown.
 */
public record TokenJson(String name, String role, String createTime, String expireTime, Boolean expired,
        String createdBy, String token) {

    public static TokenJson of(ApiToken t, Instant now) {
        return new TokenJson(t.name(), t.role().id(), Times.instant(t.createTime()), Times.instant(t.expireTime()),
                t.expiredAt(now), t.createdBy(), null);
    }

    public static TokenJson issued(IssuedToken issued, Instant now) {
        TokenJson plain = of(issued.token(), now);
        return new TokenJson(plain.name(), plain.role(), plain.createTime(), plain.expireTime(), plain.expired(),
                plain.createdBy(), issued.secret());
    }

    /** The body of {@code POST /v1/tokens}: {@code role} (admin or viewer) and {@code expiresIn} such as 30d. */
    public record CreateJson(String role, String expiresIn) {}

    @Override
    public String toString() {
        return "TokenJson[" + name + ", " + role + "]";
    }
}
