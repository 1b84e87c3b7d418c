package dev.ferry.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;

class DialectProperties {

    /** Reads a quoted identifier back the way a SQL parser does: strip the outer quotes, undouble inner ones. */
    private static String unquote(String quoted, char q) {
        assertThat(quoted.charAt(0)).isEqualTo(q);
        assertThat(quoted.charAt(quoted.length() - 1)).isEqualTo(q);
        String inner = quoted.substring(1, quoted.length() - 1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < inner.length(); i++) {
            char c = inner.charAt(i);
            if (c == q) {
                assertThat(inner.charAt(i + 1)).as("a lone quote would end the identifier").isEqualTo(q);
                i++;
            }
            out.append(c);
        }
        return out.toString();
    }

    @Property
    void quotingRoundTripsAnyIdentifierWithoutNul(@ForAll @StringLength(min = 1, max = 40) String name) {
        if (name.indexOf('\0') >= 0) {
            assertThatThrownBy(() -> Dialect.POSTGRESQL.quote(name)).isInstanceOf(IllegalArgumentException.class);
            return;
        }
        assertThat(unquote(Dialect.POSTGRESQL.quote(name), '"')).isEqualTo(name);
        assertThat(unquote(Dialect.MYSQL.quote(name), '`')).isEqualTo(name);
    }

    @Example
    void qualifiedNamesQuoteEachPart() {
        assertThat(Dialect.POSTGRESQL.quote("my schema", "Ta\"ble")).isEqualTo("\"my schema\".\"Ta\"\"ble\"");
        assertThat(Dialect.MYSQL.quote("db", "t`x")).isEqualTo("`db`.`t``x`");
    }

    @Example
    void emptyIdentifiersAreRefused() {
        assertThatThrownBy(() -> Dialect.MYSQL.quote("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Example
    void literalsEscapeQuotesAndMysqlBackslashes() {
        assertThat(Dialect.POSTGRESQL.literal("it's")).isEqualTo("'it''s'");
        assertThat(Dialect.MYSQL.literal("a\\'b")).isEqualTo("'a\\\\''b'");
    }
}
