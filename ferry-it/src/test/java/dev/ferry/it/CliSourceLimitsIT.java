package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code ferry source-limits} against a real server: set, list, remove, and the refusal of a server without a port. */
@Timeout(60)
class CliSourceLimitsIT {
    @RegisterExtension
    static final CliServer cli = new CliServer();

    @Test
    void anAdminCapsASourceServerListsItAndRemovesIt() {
        var set = cli.ferry("source-limits", "set", "DB1.internal:5432", "--max-connections", "40");
        var listed = cli.ferry("source-limits", "list");
        var removed = cli.ferry("source-limits", "remove", "db1.internal:5432");
        var after = cli.ferry("source-limits", "list", "--format", "json");

        assertThat(set.exit()).as(set.err()).isZero();
        assertThat(set.out()).contains("Source server db1.internal:5432: at most 40 connections (0 in use)");
        assertThat(listed.out()).contains("SERVER").containsPattern("db1\\.internal:5432\\s+40\\s+0\\s+-");
        assertThat(removed.exit()).as(removed.err()).isZero();
        assertThat(after.out()).contains("\"sourceServers\" : [ ]");
        assertThat(cli.wiring().control().sourceLimits().list()).isEmpty();
    }

    @Test
    void aServerWithoutAPortIsRefusedWithWhatToWrite() {
        var refused = cli.ferry("source-limits", "set", "db1.internal", "--max-connections", "4");
        var missing = cli.ferry("source-limits", "remove", "db9.internal:5432");

        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("is not HOST:PORT").contains("db1.internal:5432");
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.err()).contains("has no limit");
    }
}
