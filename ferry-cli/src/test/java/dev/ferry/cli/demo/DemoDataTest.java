package dev.ferry.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DemoDataTest {

    @Test
    void splitsAScriptAtSemicolonsThatEndALineAndSkipsComments() {
        var statements = DemoData.statements("""
                -- a comment; with a semicolon
                CREATE TABLE t (
                    note text DEFAULT 'a; b'
                );

                INSERT INTO t VALUES ('x');
                """);
        assertThat(statements).containsExactly("CREATE TABLE t (\n    note text DEFAULT 'a; b'\n)", "INSERT INTO t VALUES ('x')");
    }
}
