package dev.ferry.engine.postgres.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueryTextTest {

    @Test
    void splitsAtSemicolonsOutsideQuotesCommentsAndDollarQuotes() {
        String query = "ALTER TABLE \"a;b\" ADD COLUMN c text DEFAULT 'x;y''z'; -- note; here\n"
                + "UPDATE t SET v = E'\\';' ; /* a ; /* nested ; */ */ CREATE FUNCTION f() RETURNS int LANGUAGE sql "
                + "AS $body$ SELECT 1; $body$;;  ";

        assertThat(QueryText.statements(query)).containsExactly(
                "ALTER TABLE \"a;b\" ADD COLUMN c text DEFAULT 'x;y''z'",
                "-- note; here\nUPDATE t SET v = E'\\';'",
                "/* a ; /* nested ; */ */ CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$");
    }

    @Test
    void aStandardFunctionBodyStaysWholeAndFirstWordsSkipComments() {
        String body = "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END";

        assertThat(QueryText.statements(body)).containsExactly(body);
        assertThat(QueryText.firstWord("-- c\n/* d */ alter table t")).isEqualTo("ALTER");
        assertThat(QueryText.statements("SELECT $1; SELECT 2")).containsExactly("SELECT $1", "SELECT 2");
    }
}
