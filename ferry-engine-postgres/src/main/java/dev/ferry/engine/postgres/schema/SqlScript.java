package dev.ferry.engine.postgres.schema;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.process.PrivateDirectory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Applies SQL statements (pg_dump's among them) to a destination database with psql, as the post-data step
 * does: one transaction, stopping at the first error, so nothing is applied unless everything is. The session
 * writes even in a database Ferry demoted (read-only by default). Stateless.
 */
public final class SqlScript {
    private SqlScript() {}

    /**
     * Runs {@code statements} (each complete, with its terminating semicolon) in order on {@code destination}'s
     * database (set); {@code doing} names the work in an error message.
     */
    public static void apply(PgTools tools, List<String> statements, DatabaseConnection destination, String doing) {
        try (PrivateDirectory files = PrivateDirectory.create()) {
            Path script = files.write("script.sql", String.join("\n", statements) + "\n");
            ToolProcess.run(ToolProcess.Call.of(List.of(tools.psql().toString(), "--no-psqlrc", "--quiet", "--no-password",
                            "--single-transaction", "--echo-errors", "--set=ON_ERROR_STOP=1", "--file=" + script),
                    destination, true, tools.major(), doing)
                    .withEnvironment(Map.of("PGOPTIONS", "-c default_transaction_read_only=off")));
        }
    }
}
