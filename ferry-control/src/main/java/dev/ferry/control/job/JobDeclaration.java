package dev.ferry.control.job;

import dev.ferry.control.declare.DesiredState;
import java.util.Objects;

/**
 * A migration job as a configuration file declares it: its definition, and optionally the lifecycle it should be in
 * ({@code desiredState} null: leave the lifecycle to the verbs).
 */
public record JobDeclaration(JobRequest definition, DesiredState desiredState) {
    public JobDeclaration {
        Objects.requireNonNull(definition, "definition");
    }

    public String name() {
        return definition.name();
    }
}
