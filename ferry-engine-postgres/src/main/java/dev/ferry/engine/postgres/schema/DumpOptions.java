package dev.ferry.engine.postgres.schema;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.TableRef;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What one pg_dump run dumps: the section, the snapshot it reads, what the object selection leaves
 * out, whether ownership, privileges and tablespaces are dropped because the destination lacks
 * the roles or tablespaces they name, and how long pg_dump waits for a table lock ({@code
 * --lock-wait-timeout}; 0: as long as it takes), so that it never queues long behind a DDL. A null
 * {@code snapshotId} reads the database as it is now (a comparison of two servers' schemas).
 */
public record DumpOptions(
        DumpSection section,
        String snapshotId,
        List<String> excludedSchemas,
        List<TableRef> excludedTables,
        boolean noOwner,
        boolean noTablespaces,
        long lockWaitMillis) {

    public DumpOptions {
        Objects.requireNonNull(section, "section");
        if (lockWaitMillis < 0) {
            throw new IllegalArgumentException("the lock wait cannot be negative");
        }
        if (snapshotId != null && snapshotId.isBlank()) {
            throw new IllegalArgumentException("a snapshot id cannot be blank");
        }
        excludedSchemas = List.copyOf(excludedSchemas);
        excludedTables = List.copyOf(excludedTables);
    }

    /** Ferry's own schema on a source: never copied. */
    static final String FERRY_SCHEMA = "ferry";

    /** Options without a lock wait. */
    public DumpOptions(DumpSection section, String snapshotId, List<String> excludedSchemas, List<TableRef> excludedTables,
            boolean noOwner, boolean noTablespaces) {
        this(section, snapshotId, excludedSchemas, excludedTables, noOwner, noTablespaces, 0);
    }

    /**
     * Derives exclusions from {@code selection}: schemas it selects nothing in, and relations in the
     * other schemas that it does not select. Exclusions rather than inclusions keep pg_dump in its
     * "dump everything" mode, which handles the public schema, extensions and large objects. Ferry's own
     * {@code ferry} schema (a job's DDL capture) is always excluded.
     */
    public static DumpOptions of(DumpSection section, String snapshotId, String database, ObjectSelection selection,
            List<String> schemas, List<TableRef> relations) {
        if (selection == null || selection.isAll()) {
            return new DumpOptions(section, snapshotId, schemas.contains(FERRY_SCHEMA) ? List.of(FERRY_SCHEMA) : List.of(),
                    List.of(), false, false);
        }
        List<String> excludedSchemas = schemas.stream()
                .filter(s -> s.equals(FERRY_SCHEMA) || !selection.includesSchema(database, s)).toList();
        List<TableRef> excludedTables = relations.stream()
                .filter(r -> !excludedSchemas.contains(r.schema()))
                .filter(r -> !selection.includesTable(database, r))
                .toList();
        return new DumpOptions(section, snapshotId, excludedSchemas, excludedTables, false, false);
    }

    /**
     * Options reading {@code database} as it is now, with what {@code selection} leaves out of it excluded (see
     * {@link #of}); {@link #schemaOnlyArguments} dumps its whole schema.
     */
    public static DumpOptions current(String database, ObjectSelection selection, List<String> schemas,
            List<TableRef> relations) {
        return of(DumpSection.PRE_DATA, null, database, selection, schemas, relations);
    }

    /** These options with {@code schema} left out as well (unless it already is). */
    public DumpOptions withExcludedSchema(String schema) {
        if (excludedSchemas.contains(schema)) {
            return this;
        }
        List<String> schemas = new ArrayList<>(excludedSchemas);
        schemas.add(schema);
        return new DumpOptions(section, snapshotId, schemas, excludedTables, noOwner, noTablespaces, lockWaitMillis);
    }

    public DumpOptions withSection(DumpSection s) {
        return new DumpOptions(s, snapshotId, excludedSchemas, excludedTables, noOwner, noTablespaces, lockWaitMillis);
    }

    /** pg_dump waits at most {@code lockWait} for each table lock, and fails otherwise. */
    public DumpOptions withLockWait(Duration lockWait) {
        return new DumpOptions(section, snapshotId, excludedSchemas, excludedTables, noOwner, noTablespaces,
                Math.max(1, lockWait.toMillis()));
    }

    public DumpOptions withoutOwnership() {
        return new DumpOptions(section, snapshotId, excludedSchemas, excludedTables, true, noTablespaces, lockWaitMillis);
    }

    public DumpOptions withoutTablespaces() {
        return new DumpOptions(section, snapshotId, excludedSchemas, excludedTables, noOwner, true, lockWaitMillis);
    }

    /**
     * The pg_dump arguments (connection settings travel in the environment). Names are matched
     * exactly: a pattern part in double quotes has no wildcards, as in {@link Dialect#quote}.
     */
    public List<String> arguments() {
        return arguments("--format=plain");
    }

    /**
     * The pg_dump arguments of a plain-text dump of both schema sections (no rows, no large objects, no
     * subscriptions), for comparing two servers' schemas: the section is ignored, the snapshot used when set.
     */
    public List<String> schemaOnlyArguments() {
        List<String> args = new ArrayList<>(List.of("--format=plain", "--no-password", "--schema-only", "--no-blobs",
                "--no-subscriptions"));
        if (snapshotId != null) {
            args.add("--snapshot=" + snapshotId);
        }
        addCommon(args);
        return args;
    }

    /** The pg_dump arguments writing a custom-format archive to {@code file}, for pg_restore to pick from. */
    public List<String> archiveArguments(Path file) {
        List<String> args = arguments("--format=custom");
        args.add("--file=" + file);
        return args;
    }

    /**
     * The pg_restore arguments matching these options: an archive keeps owners and tablespaces whatever
     * pg_dump was told, so pg_restore has to drop them itself.
     */
    public List<String> restoreArguments() {
        List<String> args = new ArrayList<>();
        if (noOwner) {
            args.add("--no-owner");
            args.add("--no-privileges");
        }
        if (noTablespaces) {
            args.add("--no-tablespaces");
        }
        return args;
    }

    private List<String> arguments(String format) {
        List<String> args = new ArrayList<>(List.of(format, "--no-password", "--section=" + section.option()));
        if (snapshotId == null) {
            throw new IllegalStateException("a section dump reads a snapshot");
        }
        args.add("--snapshot=" + snapshotId);
        args.add("--no-subscriptions");
        addCommon(args);
        return args;
    }

    private void addCommon(List<String> args) {
        if (lockWaitMillis > 0) {
            args.add("--lock-wait-timeout=" + lockWaitMillis);
        }
        if (noOwner) {
            args.add("--no-owner");
            args.add("--no-privileges");
        }
        if (noTablespaces) {
            args.add("--no-tablespaces");
        }
        excludedSchemas.forEach(s -> args.add("--exclude-schema=" + Dialect.POSTGRESQL.quote(s)));
        excludedTables.forEach(t -> args.add("--exclude-table=" + Dialect.POSTGRESQL.quote(t.schema(), t.table())));
    }
}
