package dev.ferry.core.spi.engine;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.Finding;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.TableRef;
import java.util.List;
import java.util.Map;

/**
 * Everything Ferry does to one family of databases. Engines know databases, not jobs: they answer
 * "copy this table" and never decide what happens next. Methods block and open (and close) their own
 * connections; an engine is thread-safe. Failures a user can fix throw
 * {@link dev.ferry.core.FerryException} with a message naming the server (without credentials):
 * {@code UNAVAILABLE} for an unreachable server, {@code UNAUTHENTICATED} for a refused login,
 * {@code PERMISSION_DENIED} for a missing privilege, {@code FAILED_PRECONDITION} otherwise.
 */
public interface Engine {
    EngineKind kind();

    /** Connects and reports the server's version and flavor. */
    ServerInfo probe(DatabaseConnection server);

    /** The user databases on the server, sorted (no templates or system databases). */
    List<String> listDatabases(DatabaseConnection server);

    /**
     * User objects (tables, views, sequences, routines, types...) in {@code database}, as readable
     * names such as {@code table public.t}; empty when the database is missing or empty.
     */
    List<String> userObjects(DatabaseConnection server, String database);

    /**
     * Creates {@code database} on the destination, with the source database's encoding, collation and
     * character type where the engine has them, unless it exists. Returns true when it created it.
     */
    boolean createDatabase(DatabaseConnection source, DatabaseConnection destination, String database);

    /**
     * Drops every user object in {@code database} on the server, leaving the database itself. Only for
     * databases Ferry itself filled (restart, resume of an interrupted load, an overwrite the user
     * acknowledged).
     */
    void clearDatabase(DatabaseConnection server, String database);

    /** Opens one consistent, read-only view of {@code database} on the source. The caller closes it. */
    SourceSnapshot openSnapshot(DatabaseConnection source, String database, SnapshotOptions options);

    /** Exact row counts of the given tables in {@code database}, read now (not under a snapshot). */
    Map<TableRef, Long> countRows(DatabaseConnection server, String database, List<TableRef> tables);

    /**
     * A description of each given table's contents that is equal on two servers exactly when the
     * rows are equal (order-independent), for comparisons after a migration.
     */
    Map<TableRef, String> contentHashes(DatabaseConnection server, String database, List<TableRef> tables);

    /**
     * Findings about the source before a job starts (settings, privileges, tool versions), for the
     * given databases. Reads only. {@code continuous} tells whether change replication will follow.
     */
    default List<Finding> checkSource(DatabaseConnection source, List<String> databases, boolean continuous) {
        return List.of();
    }

    /**
     * Which tables and views of {@code database} need which tables (foreign keys, views), so a partial
     * selection can be warned about. Reads only; empty when the engine cannot tell.
     */
    default List<Dependency> dependencies(DatabaseConnection source, String database) {
        return List.of();
    }

    /**
     * {@link #checkSource(DatabaseConnection, List, boolean)} for a job about to start from nothing: also
     * reports replication objects of {@code jobName} already on the source (left over from an earlier job
     * of the same name).
     */
    default List<Finding> checkSource(DatabaseConnection source, List<String> databases, boolean continuous,
            String jobName) {
        return checkSource(source, databases, continuous);
    }

    /**
     * Findings about capturing DDL on {@code source} for a continuous job with {@code captureDdl} (what the
     * capture needs, such as privileges). Reads only; empty by default, for engines that have no such capture.
     */
    default List<Finding> checkDdlCapture(DatabaseConnection source) {
        return List.of();
    }

    /**
     * Creates on {@code destination}, a server Ferry created for the job, the roles (accounts) that the objects of
     * {@code databases} on {@code source} are owned by, granted to or defined by, so ownership and privileges carry
     * over. Passwords are never read from the source: login roles are created unable to log in until the user sets
     * theirs. Roles the destination has are left alone. Returns one line per action, for the job's events.
     */
    default List<String> copyRoles(DatabaseConnection source, DatabaseConnection destination, List<String> databases) {
        return List.of();
    }

    /**
     * After the full load into a server Ferry created for the job: grants the privileges the source grants on
     * {@code databases}' objects to the roles {@link #copyRoles} made, where the schema copy did not carry them
     * (MySQL). Returns one line per grant, for the job's events.
     */
    default List<String> copyPrivileges(DatabaseConnection source, DatabaseConnection destination, List<String> databases) {
        return List.of();
    }

    /** Findings about the destination for receiving {@code databases} from {@code source}. Reads only. */
    default List<Finding> checkDestination(DatabaseConnection source, DatabaseConnection destination,
            List<String> databases) {
        return List.of();
    }

    /**
     * Drops whatever the job keeps on the source for change replication (PostgreSQL: its slot and
     * publication in {@code database}). Idempotent: nothing to drop is not an error.
     */
    default void dropReplication(DatabaseConnection source, String database, String jobName) {}

    /**
     * Makes {@code databases} on the destination read-only for everyone but the connecting user, so
     * nothing but Ferry writes there while it replicates. Returns an exact, engine-readable record of
     * what was changed (no secrets), which {@link #restoreDestination} undoes. Databases that do not exist
     * yet are demoted once created when the call is repeated.
     */
    default String demoteDestination(DatabaseConnection destination, List<String> databases) {
        throw new dev.ferry.core.FerryException(dev.ferry.core.ErrorCode.FAILED_PRECONDITION,
                "Demoting a %s destination is not available in this Ferry build".formatted(kind().id()));
    }

    /**
     * {@link #demoteDestination(DatabaseConnection, List)} that hands the undo record to {@code undoRecorded}
     * before it changes anything on the destination: the caller makes the record durable there, so a crash
     * between the change and anything after it never loses the way back. The record covers exactly what the
     * call then changes, and {@link #restoreDestination} of it is harmless when the change never happened.
     * Returns the same record.
     */
    default String demoteDestination(DatabaseConnection destination, List<String> databases,
            java.util.function.Consumer<String> undoRecorded) {
        throw new dev.ferry.core.FerryException(dev.ferry.core.ErrorCode.FAILED_PRECONDITION,
                "Demoting a %s destination is not available in this Ferry build".formatted(kind().id()));
    }

    /**
     * Gives the user {@code superuser} connects as a new password on the server it reaches (on MySQL/MariaDB, every
     * account of that user name), as the server stores passwords; where the protocol allows, only the password's hash
     * travels, so no server log can show it. The connection that does it uses the current password; the caller stores
     * the new one.
     *
     * @throws dev.ferry.core.FerryException UNAVAILABLE, UNAUTHENTICATED or PERMISSION_DENIED as the server answers
     */
    default void setPassword(DatabaseConnection superuser, dev.ferry.core.Secret password) {
        throw new dev.ferry.core.FerryException(dev.ferry.core.ErrorCode.FAILED_PRECONDITION,
                "Setting passwords on %s is not available in this Ferry build".formatted(kind().id()));
    }

    /** Undoes exactly what {@link #demoteDestination} recorded. Idempotent. */
    default void restoreDestination(DatabaseConnection destination, String demotion) {}

    /**
     * Whether {@code source} and {@code destination} reach the same database server (so writing to the
     * destination would change the source). Decided by a marker taken on one side and looked for on the
     * other (not by host names, which can differ for one server); changes nothing that outlives the call.
     */
    default boolean sameServer(DatabaseConnection source, DatabaseConnection destination) {
        return false;
    }

    /**
     * Writes {@code owner}'s marker into Ferry's bookkeeping for {@code database} on the destination (which
     * must exist), replacing an older marker of the same installation and job. Returns the database's
     * identity: a text that is the same only for this very database on this very server with this marker
     * (PostgreSQL: system identifier, database OID and token), to be recorded by the caller.
     */
    default String markOwned(DatabaseConnection destination, String database, DatabaseOwner owner) {
        throw new dev.ferry.core.FerryException(dev.ferry.core.ErrorCode.FAILED_PRECONDITION,
                "Marking %s destination databases is not available in this Ferry build".formatted(kind().id()));
    }

    /**
     * The identity {@link #markOwned} returned, read now: present only when {@code database} exists on the
     * destination and carries {@code owner}'s marker. Reads only.
     */
    default java.util.Optional<String> ownedIdentity(DatabaseConnection destination, String database,
            DatabaseOwner owner) {
        return java.util.Optional.empty();
    }

    /** Removes {@code owner}'s marker from {@code database} (and Ferry's bookkeeping when empty). Idempotent. */
    default void unmarkOwned(DatabaseConnection destination, String database, DatabaseOwner owner) {}

    /**
     * The names of the replication objects that {@code job} of {@code installation} keeps for
     * {@code database} on the source. Pure. {@code installation} null gives the names that Ferry versions
     * before installation identities used, for jobs created by them.
     */
    default ReplicationObjects replicationObjects(String installation, String job, String database) {
        return ReplicationObjects.NONE;
    }

    /**
     * Drops exactly the named replication objects of {@code database} on the source, ending a session
     * still streaming from the slot first. Idempotent: nothing to drop is not an error.
     */
    default void dropReplication(DatabaseConnection source, String database, ReplicationObjects objects) {}

    /**
     * Findings about replication objects on the source that carry {@code installation}'s mark but are not
     * in {@code owned} (no job of the installation records them), with the statements that drop them; and
     * about source settings that let a slot keep WAL without bound. {@code databases} are the ones the job
     * reads (publications live in a database). Reads only.
     */
    default List<Finding> checkReplicationLeftovers(DatabaseConnection source, List<String> databases,
            String installation, java.util.Set<ReplicationObjects> owned) {
        return List.of();
    }

    /**
     * What the job's replication objects of {@code database} cost the source now (see {@link SourceRetention}).
     * Cheap: one short query. Reads only.
     */
    default SourceRetention retention(DatabaseConnection source, String database, ReplicationObjects objects) {
        return SourceRetention.UNKNOWN;
    }

    /** Whether this engine can replicate changes after the full load (continuous jobs). */
    default boolean supportsReplication() {
        return false;
    }

    /**
     * Prepares change replication of one database (see {@link Replication}); nothing streams until
     * {@link Replication#run} is called.
     */
    default Replication openReplication(ReplicationRequest request) {
        throw new dev.ferry.core.FerryException(dev.ferry.core.ErrorCode.FAILED_PRECONDITION,
                "Change replication is not available for %s in this Ferry build".formatted(kind().id()));
    }

    /**
     * Completes a promotion of one database once replication has stopped: synchronises sequences (or
     * auto-increment counters) from the source, removes Ferry's bookkeeping from the destination, and
     * drops the job's replication objects on the source. Idempotent.
     */
    default void finishReplication(ReplicationRequest request) {
        throw new dev.ferry.core.FerryException(dev.ferry.core.ErrorCode.FAILED_PRECONDITION,
                "Change replication is not available for %s in this Ferry build".formatted(kind().id()));
    }

    /**
     * Whether {@link #schemaDifferences} compares schemas; when false it answers empty whatever the schemas are,
     * and nothing should be reported as equal.
     */
    default boolean comparesSchemas() {
        return false;
    }

    /**
     * What differs now between the schema of {@code request}'s database on the source and on the destination,
     * within the job's selection and apart from Ferry's own objects, as findings naming the object and the
     * difference: {@link SchemaFindings#DIFFERENCE} (WARNING) for those {@link #reconcileSchema} applies,
     * {@link SchemaFindings#NOT_RECONCILABLE} (ERROR) for those it cannot (tables and columns, which change
     * replication creates, drops and retypes, and definitions Ferry does not change in place). Reads only; may run
     * the client tools. Empty when the engine cannot compare schemas.
     */
    default List<Finding> schemaDifferences(ReplicationRequest request) {
        return List.of();
    }

    /**
     * Makes the destination's schema of {@code request}'s database match the source's, as far as promotion may
     * (indexes, constraints, views, routines, triggers, sequences, comments, privileges, column defaults, NOT
     * NULL, identity and generation; never tables or rows), after replication stopped. Returns one line per
     * action ("created index public.i"), and lines for what still differs after it (where the servers print
     * a definition differently). Throws {@link dev.ferry.core.FerryException} {@code FAILED_PRECONDITION}
     * listing what cannot be reconciled, having changed nothing, when something cannot. Idempotent.
     */
    default List<String> reconcileSchema(ReplicationRequest request) {
        return List.of();
    }

    /**
     * Opens one server's side of validating {@code database}'s data (see
     * {@link dev.ferry.core.spi.validate.DataValidation}), using at most {@code sessions} server sessions at once. The
     * caller closes it. Engines that cannot validate throw {@code FAILED_PRECONDITION}.
     */
    default dev.ferry.core.spi.validate.DataValidation openValidation(DatabaseConnection server, String database,
            int sessions) {
        throw new dev.ferry.core.FerryException(dev.ferry.core.ErrorCode.FAILED_PRECONDITION,
                "Validating %s data is not available in this Ferry build".formatted(kind().id()));
    }

    /**
     * Every difference between the schema of {@code database} on the source and on the destination, within
     * {@code objects} and apart from Ferry's own bookkeeping, as ERROR findings with the code
     * {@link SchemaFindings#DIFFERENCE} ({@code SCHEMA_DIFFERENCE}), the object ({@code index public.i}, {@code column shop.t.c}) and
     * what differs: columns (type, nullability, default, generation), constraints, indexes, views, routines,
     * triggers, sequences (definitions, not values), extensions, ownership and grants where Ferry copies them.
     * Reads only; may run the client tools; never holds a lock writers wait for beyond the engine's lock wait.
     */
    default List<Finding> validateSchema(DatabaseConnection source, DatabaseConnection destination, String database,
            dev.ferry.core.model.ObjectsConfig objects) {
        throw new dev.ferry.core.FerryException(dev.ferry.core.ErrorCode.FAILED_PRECONDITION,
                "Validating %s schemas is not available in this Ferry build".formatted(kind().id()));
    }

    /**
     * Whether a continuous job gets its triggers and events on the destination only at promotion (they would otherwise
     * act again on the rows replication applies), so that their absence before then is expected.
     */
    default boolean createsTriggersAtPromotion() {
        return false;
    }

    /**
     * Gathers the planner's statistics of {@code tables} of {@code database} on the destination after a full load
     * (PostgreSQL {@code ANALYZE}, MySQL/MariaDB {@code ANALYZE TABLE}), up to {@code parallelism} tables at once, so
     * that the destination does not start on plans made without statistics; statistics the {@code source} keeps beyond
     * the server's automatic ones are gathered likewise where the engine can (MariaDB engine-independent statistics,
     * MySQL histograms). Returns one line per statement run ({@code analyzed public.orders in 0.4s}). Idempotent;
     * changes no data.
     */
    default List<String> analyze(DatabaseConnection source, DatabaseConnection destination, String database, List<TableRef> tables,
            int parallelism) throws InterruptedException {
        return List.of();
    }

    /**
     * Opens the table-by-table form of {@link #analyze} for {@code database}, for a full load to gather each table's
     * statistics as soon as its copy is done, while other tables still load. The default gathers none early.
     */
    default Analysis openAnalysis(DatabaseConnection source, DatabaseConnection destination, String database) {
        return Analysis.NONE;
    }

    /**
     * Options for a snapshot: the job it serves (to name slots and publications), what to select, whether
     * change replication will start from it ({@code forReplication}), and whether the job's replication
     * start point already exists ({@code resumingReplication}: an interrupted load is being resumed; the
     * engine then takes a fresh snapshot whose position is at or after the existing one, without creating
     * the job's slot again). {@code replicationObjects} names the slot and publication to create or use,
     * as the caller recorded them; null means the engine's names for the job without an installation.
     * {@code fence} guards the snapshot's writes to the destination (schema steps and each table copy's commit are
     * preceded by {@link Fence#check}); {@link Fence#NONE} without leases.
     */
    record SnapshotOptions(String jobName, ObjectSelection selection, boolean forReplication,
            boolean resumingReplication, int parallelism, dev.ferry.core.model.ReliabilityConfig reliability,
            ReplicationObjects replicationObjects, Fence fence) {
        public SnapshotOptions {
            reliability = reliability == null ? dev.ferry.core.model.ReliabilityConfig.DEFAULT : reliability;
            fence = fence == null ? Fence.NONE : fence;
        }

        public SnapshotOptions(String jobName, ObjectSelection selection, boolean forReplication,
                boolean resumingReplication, int parallelism, dev.ferry.core.model.ReliabilityConfig reliability,
                ReplicationObjects replicationObjects) {
            this(jobName, selection, forReplication, resumingReplication, parallelism, reliability, replicationObjects, null);
        }

        /** The same options with the snapshot's destination writes guarded by {@code fence}. */
        public SnapshotOptions withFence(Fence fence) {
            return new SnapshotOptions(jobName, selection, forReplication, resumingReplication, parallelism, reliability,
                    replicationObjects, fence);
        }

        public SnapshotOptions(String jobName, ObjectSelection selection, boolean forReplication,
                boolean resumingReplication, int parallelism) {
            this(jobName, selection, forReplication, resumingReplication, parallelism, null, null);
        }

        public SnapshotOptions(String jobName, ObjectSelection selection, boolean forReplication,
                boolean resumingReplication, int parallelism, ReplicationObjects replicationObjects) {
            this(jobName, selection, forReplication, resumingReplication, parallelism, null, replicationObjects);
        }

        public SnapshotOptions(String jobName, ObjectSelection selection, boolean forReplication, int parallelism) {
            this(jobName, selection, forReplication, false, parallelism, null, null);
        }
    }

    /**
     * What a failure means for the job (see {@link dev.ferry.core.fault.FailureKind}): the engine's one
     * classifier, used by the full load, change replication and validation alike. Looks through the
     * cause chain. The default knows only Ferry's own codes.
     */
    default dev.ferry.core.fault.FailureKind classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof dev.ferry.core.FerryException e) {
                return switch (e.code()) {
                    case UNAVAILABLE -> dev.ferry.core.fault.FailureKind.TRANSIENT;
                    case DIVERGED -> dev.ferry.core.fault.FailureKind.DIVERGENCE;
                    default -> dev.ferry.core.fault.FailureKind.FATAL;
                };
            }
        }
        return dev.ferry.core.fault.FailureKind.FATAL;
    }
}
