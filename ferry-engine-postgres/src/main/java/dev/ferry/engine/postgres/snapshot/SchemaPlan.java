package dev.ferry.engine.postgres.snapshot;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.TableRef;
import dev.ferry.engine.postgres.catalog.GlobalObjects;
import dev.ferry.engine.postgres.catalog.TableCatalog;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import dev.ferry.engine.postgres.schema.DumpOptions;
import dev.ferry.engine.postgres.schema.DumpSection;
import dev.ferry.engine.postgres.schema.PgTools;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, once per snapshot, how pg_dump runs: which tools, what the selection excludes, and whether
 * ownership, privileges and tablespaces must be dropped because the destination lacks the roles or
 * tablespaces they name. Both sections use the same decision. Thread-safe.
 */
final class SchemaPlan {
    private static final Logger log = LoggerFactory.getLogger(SchemaPlan.class);

    private final DatabaseConnection source;
    private final ObjectSelection selection;
    private final ExportedSnapshot snapshot;
    private final Supplier<PgTools> locator;
    private final ReentrantLock lock = new ReentrantLock();
    private PgTools tools;
    private DumpOptions options;

    SchemaPlan(DatabaseConnection source, ObjectSelection selection, ExportedSnapshot snapshot, Supplier<PgTools> locator) {
        this.source = source;
        this.selection = selection;
        this.snapshot = snapshot;
        this.locator = locator;
    }

    /** The client tools, checked to be able to dump the source. */
    PgTools tools(int sourceMajor) {
        lock.lock();
        try {
            if (tools == null) {
                PgTools found = locator.get();
                found.requireCanDump(sourceMajor, "server %s:%d".formatted(source.host(), source.port()));
                tools = found;
            }
            return tools;
        } finally {
            lock.unlock();
        }
    }

    /** The dump options for {@code destination} (its database set), decided on first use. */
    DumpOptions options(DatabaseConnection destination) {
        lock.lock();
        try {
            if (options == null) {
                options = decide(destination);
            }
            return options;
        } finally {
            lock.unlock();
        }
    }

    private DumpOptions decide(DatabaseConnection destination) {
        record SourceFacts(List<String> schemas, List<TableRef> relations, Set<String> roles, Set<String> tablespaces) {}
        SourceFacts facts = snapshot.withConnection(c -> new SourceFacts(TableCatalog.schemas(c),
                TableCatalog.relations(c), GlobalObjects.referencedRoles(c), GlobalObjects.referencedTablespaces(c)),
                "reading schemas, roles and tablespaces");
        DumpOptions decided = DumpOptions.of(DumpSection.PRE_DATA, snapshot.id(), source.database(), selection,
                facts.schemas(), facts.relations());
        Set<String> missingRoles;
        Set<String> missingTablespaces;
        try (Connection d = PgConnector.open(destination)) {
            missingRoles = GlobalObjects.missingRoles(d, facts.roles());
            missingTablespaces = GlobalObjects.missingTablespaces(d, facts.tablespaces());
        } catch (SQLException e) {
            throw PgErrors.translate(e, destination, "looking up roles and tablespaces");
        }
        if (!missingRoles.isEmpty()) {
            log.atWarn().addKeyValue("database", source.database()).addKeyValue("roles", missingRoles)
                    .log("roles missing on the destination: copying without ownership and privileges "
                            + "(objects will belong to the destination user); create the roles first to keep them");
            decided = decided.withoutOwnership();
        }
        if (!missingTablespaces.isEmpty()) {
            log.atWarn().addKeyValue("database", source.database()).addKeyValue("tablespaces", missingTablespaces)
                    .log("tablespaces missing on the destination: creating everything in the default tablespace");
            decided = decided.withoutTablespaces();
        }
        return decided;
    }
}
