package dev.ferry.control.access;

import dev.ferry.core.model.ApiToken;
import dev.ferry.core.model.Operation;
import java.util.Objects;

/**
 * A token just created: what the store keeps, and the token itself, which exists only here and is
 * shown once. {@code secret} is null when a retried call (same request id) returns the first call's
 * operation: the token cannot be shown again.
 */
public record IssuedToken(ApiToken token, String secret, Operation operation) {
    public IssuedToken {
        Objects.requireNonNull(token, "token");
    }

    @Override
    public String toString() {
        return "IssuedToken[" + token.name() + ", " + token.role() + "]";
    }
}
