package dev.ferry.engine.postgres.schema;

import dev.ferry.core.model.DatabaseConnection;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a database's whole schema as pg_dump's plain text ({@link DumpOptions#schemaOnlyArguments}), for
 * comparing two servers. The text is held in memory: it grows with the number of objects, never with rows.
 * Stateless.
 */
public final class PlainDump {
    private PlainDump() {}

    /** The schema of {@code server}'s database (set); pg_dump gives up on a table lock after the options' wait. */
    public static String read(PgTools tools, DumpOptions options, DatabaseConnection server) {
        List<String> command = new ArrayList<>(List.of(tools.pgDump().toString()));
        command.addAll(options.schemaOnlyArguments());
        return ToolProcess.dumpRetryingLockWaits(ToolProcess.Call.of(command, server, false, tools.major(),
                "pg_dump --schema-only of database " + server.database()).keepingOutput(), server.database(), "schema");
    }
}
