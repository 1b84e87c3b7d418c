package dev.ferry.engine.postgres.schema;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.process.PrivateDirectory;
import dev.ferry.core.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One table's definition as pg_dump writes it from a snapshot, for a table that joins a migration while changes
 * stream: pre-data (the table, the sequences it owns, its comments and grants, how it attaches to a partitioned
 * parent) or post-data (its indexes, constraints and triggers). The text is plain SQL to run in one transaction on the
 * destination: psql meta-commands and the session settings pg_dump starts with are left out, and every name in it is
 * schema-qualified (pg_dump writes for an empty {@code search_path}, which the caller sets locally). Stateless.
 */
public final class TableDump {
    private static final long TIMEOUT_SECONDS = 300;

    private TableDump() {}

    public static String dump(PgTools tools, DatabaseConnection source, String snapshotId, TableRef table, DumpSection section) {
        List<String> command = new ArrayList<>(List.of(tools.pgDump().toString(), "--format=plain", "--no-password",
                "--section=" + section.option(), "--snapshot=" + snapshotId, "--no-subscriptions", "--no-publications",
                "--table=" + Dialect.POSTGRESQL.quote(table.schema(), table.table())));
        ProcessBuilder dump = new ProcessBuilder(command);
        try (PrivateDirectory files = PrivateDirectory.create()) {
            ToolEnvironment.connectTo(dump.environment(), source, files, "source", tools.major());
            Path out = files.path().resolve("table.sql");
            Path err = files.path().resolve("table.err");
            dump.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = dump.start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new FerryException(ErrorCode.UNAVAILABLE, "pg_dump of table %s did not finish within %d s; retrying"
                        .formatted(table, TIMEOUT_SECONDS));
            }
            String errors = Files.readString(err, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                List<Secret> secrets = source.password() == null ? List.of() : List.of(source.password());
                throw new FerryException(ToolFailure.classify(errors), "pg_dump of table %s in database %s on %s:%d failed "
                        + "(exit %d): %s".formatted(table, source.database(), source.host(), source.port(), p.exitValue(),
                        ToolFailure.excerpt(errors, secrets)));
            }
            return statements(Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Cannot run %s: %s; check the PostgreSQL client tools "
                    + "installation").formatted(tools.pgDump(), e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException(ErrorCode.CANCELLED, "Dumping the definition of table %s was interrupted".formatted(table), e);
        }
    }

    /** The dump without psql meta-commands, comments, and the settings of its preamble. */
    static String statements(String dump) {
        StringBuilder sql = new StringBuilder();
        boolean preamble = true;
        for (String line : dump.split("\n", -1)) {
            if (line.startsWith("\\") || line.startsWith("--")) {
                continue;
            }
            if (preamble && (line.startsWith("SET ") || line.startsWith("SELECT pg_catalog.set_config(") || line.isBlank())) {
                continue;
            }
            preamble = false;
            sql.append(line).append('\n');
        }
        return sql.toString().strip();
    }
}
