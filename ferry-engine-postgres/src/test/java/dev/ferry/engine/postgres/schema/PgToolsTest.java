package dev.ferry.engine.postgres.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgToolsTest {
    @Test
    void parsesTheMajorVersionOfDistributionBuilds() {
        assertThat(PgTools.parseMajor("pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)")).contains(15);
        assertThat(PgTools.parseMajor("pg_dump (PostgreSQL) 9.6.24")).contains(9);
        assertThat(PgTools.parseMajor("pg_dump (PostgreSQL) 18devel")).contains(18);
        assertThat(PgTools.parseMajor("something else")).isEmpty();
    }

    @Test
    void picksTheNewestNumericVersionDirectory() {
        assertThat(PgTools.newest(List.of("9.6", "15", "13", "17", "lib"))).contains("17");
        assertThat(PgTools.newest(List.of("9.6"))).contains("9.6");
        assertThat(PgTools.newest(List.of())).isEmpty();
    }

    @Test
    void refusesASourceNewerThanPgDump() {
        var tools = new PgTools(Path.of("/x/pg_dump"), Path.of("/x/psql"), 15, "15.20");
        tools.requireCanDump(15, "server a:1");
        assertThatThrownBy(() -> tools.requireCanDump(16, "server a:1"))
                .isInstanceOfSatisfying(FerryException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
                    assertThat(e.getMessage()).contains("15.20").contains("PostgreSQL 16").contains("install");
                });
    }

    @Test
    void asksEachBinaryItsVersionOnceUntilTheBinaryChanges(@TempDir Path dir) throws Exception {
        Path runs = dir.resolve("runs");
        Path program = dir.resolve("pg_dump");
        Files.writeString(program, "#!/bin/sh\necho run >> '" + runs + "'\necho 'pg_dump (PostgreSQL) 15.4'\n");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));

        assertThat(PgTools.cachedVersionOf(program)).contains("15.4");
        assertThat(PgTools.cachedVersionOf(program)).contains("15.4");
        assertThat(Files.readAllLines(runs)).hasSize(1);

        Files.writeString(program, "#!/bin/sh\necho run >> '" + runs + "'\necho 'pg_dump (PostgreSQL) 16.1 (upgraded)'\n");
        assertThat(PgTools.cachedVersionOf(program)).contains("16.1");
        assertThat(Files.readAllLines(runs)).hasSize(2);
    }
}
