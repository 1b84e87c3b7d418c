package dev.ferry.control.access;

import dev.ferry.core.model.Operation;
import dev.ferry.core.model.Role;
import java.util.Objects;

/** Who makes a call: an API token's name and role, or this process itself ({@link #IN_PROCESS}). */
public record Caller(String name, Role role) {
    /** {@code ferry migrate}, {@code ferry demo} and tests that drive the control plane directly. */
    public static final Caller IN_PROCESS = new Caller(Operation.IN_PROCESS, Role.ADMIN);

    public Caller {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
    }

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }
}
