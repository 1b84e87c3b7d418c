package dev.ferry.core.model;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/** A named description of a source or destination server. */
public record ConnectionProfile(
        String name,
        String displayName,
        Map<String, String> labels,
        ProfileState state,
        ConnectionSpec spec,
        String error,
        Instant createTime,
        Instant updateTime) {

    private static final Pattern NAME = Pattern.compile("[a-z]([a-z0-9-]{0,61}[a-z0-9])?");

    public ConnectionProfile {
        requireValidName(name, "connection profile");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(spec, "spec");
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public EngineKind engine() {
        return spec.engine();
    }

    /** The server to connect to: the connection itself, or the managed instance's endpoint once it exists. */
    public DatabaseConnection connection() {
        return switch (spec) {
            case DatabaseConnection c -> c;
            case ManagedInstance m -> {
                if (m.endpoint() == null) {
                    throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                            "Connection profile %s is a managed instance that is not created yet (state %s)"
                                    .formatted(name, state));
                }
                yield m.endpoint();
            }
        };
    }

    public ConnectionProfile with(ProfileState newState, ConnectionSpec newSpec, String newError, Instant now) {
        return new ConnectionProfile(name, displayName, labels, newState, newSpec, newError, createTime, now);
    }

    /** Resource names: lower-case letters, digits and dashes, starting with a letter, at most 63 long. */
    public static void requireValidName(String name, String kind) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "Invalid %s name '%s': use 1-63 lower-case letters, digits and dashes, starting with a letter"
                            .formatted(kind, name));
        }
    }
}
