package dev.ferry.engine.postgres;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.engine.postgres.schema.PgTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** {@code pg_dump --schema-only} of a database, without comments, blank lines and the random \restrict keys. */
final class SchemaDump {
    private SchemaDump() {}

    static List<String> of(DatabaseConnection db) {
        var pb = new ProcessBuilder(PgTools.locate().pgDump().toString(), "--schema-only", "--no-password",
                "--host=" + db.host(), "--port=" + db.port(), "--username=" + db.username(), db.database());
        pb.environment().put("PGPASSWORD", db.password().reveal());
        pb.redirectErrorStream(true);
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("pg_dump failed: " + out);
            }
            return out.lines().filter(l -> !l.isBlank() && !l.startsWith("--") && !l.startsWith("\\restrict")
                    && !l.startsWith("\\unrestrict")).toList();
        } catch (IOException e) {
            throw new IllegalStateException("pg_dump did not run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
