package dev.ferry.engine.postgres.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.Secret;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToolFailureTest {
    @Test
    void classifiesAuthenticationNetworkAndPrivilegeFailures() {
        assertThat(ToolFailure.classify("psql: error: connection to server at \"h\" failed: FATAL:  password "
                + "authentication failed for user \"u\"")).isEqualTo(ErrorCode.UNAUTHENTICATED);
        assertThat(ToolFailure.classify("pg_dump: error: connection to server failed: Connection refused"))
                .isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(ToolFailure.classify("psql:<stdin>:12: ERROR:  permission denied for schema s"))
                .isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(ToolFailure.classify("psql:<stdin>:12: ERROR:  type \"x\" does not exist"))
                .isEqualTo(ErrorCode.FAILED_PRECONDITION);
    }

    @Test
    void excerptStartsAtTheErrorKeepsTheStatementAndHidesSecrets() {
        String stderr = "psql:<stdin>:3: NOTICE: whatever\npsql:<stdin>:40: ERROR:  extension \"postgis\" is not "
                + "available\npsql:<stdin>:40: STATEMENT:  CREATE EXTENSION postgis; -- pw=topsecret\n";
        String excerpt = ToolFailure.excerpt(stderr, List.of(Secret.of("topsecret")));
        assertThat(excerpt).startsWith("psql:<stdin>:40: ERROR:").contains("CREATE EXTENSION postgis")
                .doesNotContain("topsecret").doesNotContain("NOTICE");
    }

    @Test
    void excerptOfNothingSaysSo() {
        assertThat(ToolFailure.excerpt("  \n", List.of())).isEqualTo("(no error output)");
    }
}
