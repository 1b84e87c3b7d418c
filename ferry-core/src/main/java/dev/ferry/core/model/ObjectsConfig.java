package dev.ferry.core.model;

import java.util.List;

/**
 * Which objects a job moves. Patterns have one to three dot-separated parts ({@code db},
 * {@code db.schema}, {@code db.schema.table}; for MySQL {@code db.table}) and may use {@code *}.
 * Empty include means everything.
 */
public record ObjectsConfig(List<String> include, List<String> exclude) {
    public static final ObjectsConfig ALL = new ObjectsConfig(List.of(), List.of());

    public ObjectsConfig {
        include = include == null ? List.of() : List.copyOf(include);
        exclude = exclude == null ? List.of() : List.copyOf(exclude);
    }
}
