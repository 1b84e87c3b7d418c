package dev.ferry.engine.postgres.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaTextTest {
    /** A pg_dump 15 plain schema dump, shortened; names with "; Type: " and spaces as pg_dump prints them. */
    private static final String DUMP = """
            --
            -- PostgreSQL database dump
            --

            \\restrict frxbfM2lTBKXrRT7kFNxw6Oq7KqsgzhvLBI8MaHCuawgjjD0Ln9UEhhJTFI6yT9

            -- Dumped from database version 15.20
            -- Dumped by pg_dump version 15.20

            SET statement_timeout = 0;
            SET client_encoding = 'UTF8';
            SELECT pg_catalog.set_config('search_path', '', false);
            SET check_function_bodies = false;

            --
            -- Name: Odd; Type: X; Type: SCHEMA; Schema: -; Owner: postgres
            --

            CREATE SCHEMA "Odd; Type: X";


            ALTER SCHEMA "Odd; Type: X" OWNER TO postgres;

            --
            -- Name: f(integer, text); Type: FUNCTION; Schema: public; Owner: postgres
            --

            CREATE FUNCTION public.f(a integer, b text DEFAULT 'q'::text) RETURNS integer
                LANGUAGE sql
                AS $$ select 1

            -- comment inside
            SET not_a_setting = 1;
            $$;


            ALTER FUNCTION public.f(a integer, b text) OWNER TO postgres;

            SET default_tablespace = '';

            SET default_table_access_method = heap;

            --
            -- Name: t 1; Type: TABLE; Schema: Odd; Type: X; Owner: postgres
            --

            CREATE TABLE "Odd; Type: X"."t 1" (
                id integer NOT NULL,
                CONSTRAINT ck CHECK ((id > 0))
            );


            ALTER TABLE "Odd; Type: X"."t 1" OWNER TO postgres;

            --
            -- Name: t 1_v_idx; Type: INDEX; Schema: Odd; Type: X; Owner: postgres
            --

            CREATE INDEX "t 1_v_idx" ON "Odd; Type: X"."t 1" USING btree (id);


            --
            -- Name: EXTENSION pgcrypto; Type: COMMENT; Schema: -; Owner:\s
            --

            COMMENT ON EXTENSION pgcrypto IS 'cryptographic functions';


            --
            -- Name: DEFAULT PRIVILEGES FOR TABLES; Type: DEFAULT ACL; Schema: -; Owner: postgres
            --

            ALTER DEFAULT PRIVILEGES FOR ROLE postgres GRANT SELECT ON TABLES  TO bob;


            --
            -- Name: DEFAULT PRIVILEGES FOR TABLES; Type: DEFAULT ACL; Schema: -; Owner: alice
            --

            ALTER DEFAULT PRIVILEGES FOR ROLE alice GRANT SELECT ON TABLES  TO bob;


            --
            -- PostgreSQL database dump complete
            --

            \\unrestrict frxbfM2lTBKXrRT7kFNxw6Oq7KqsgzhvLBI8MaHCuawgjjD0Ln9UEhhJTFI6yT9

            """;

    @Test
    void splitsEntriesByTheirHeadersAndKeysThemByTypeSchemaAndName() {
        var dump = SchemaText.parse(DUMP);

        assertThat(dump.entries()).extracting(DumpEntry::key).containsExactly(
                new EntryKey("SCHEMA", "", "Odd; Type: X"),
                new EntryKey("FUNCTION", "public", "f(integer, text)"),
                new EntryKey("TABLE", "Odd; Type: X", "t 1"),
                new EntryKey("INDEX", "Odd; Type: X", "t 1_v_idx"),
                new EntryKey("COMMENT", "", "EXTENSION pgcrypto"),
                new EntryKey("DEFAULT ACL", "", "DEFAULT PRIVILEGES FOR TABLES (postgres)"),
                new EntryKey("DEFAULT ACL", "", "DEFAULT PRIVILEGES FOR TABLES (alice)"));
        assertThat(dump.entries()).extracting(DumpEntry::position).containsExactly(0, 1, 2, 3, 4, 5, 6);
    }

    @Test
    void keepsTheSessionSettingsItStartsWithAndDropsBannerAndRestrictKeys() {
        var dump = SchemaText.parse(DUMP);

        assertThat(dump.preamble()).containsExactly("SET statement_timeout = 0;", "SET client_encoding = 'UTF8';",
                "SELECT pg_catalog.set_config('search_path', '', false);", "SET check_function_bodies = false;");
        assertThat(dump.entries()).allSatisfy(e -> assertThat(e.sql()).doesNotContain("restrict", "Dumped", "dump complete")
                .doesNotStartWith("\n").doesNotEndWith("\n"));
    }

    @Test
    void anEntryKeepsItsStatementsAndFunctionBodiesVerbatimButNotTheSettingsPrintedAfterIt() {
        var function = SchemaText.parse(DUMP).entries().get(1);

        assertThat(function.sql()).isEqualTo("""
                CREATE FUNCTION public.f(a integer, b text DEFAULT 'q'::text) RETURNS integer
                    LANGUAGE sql
                    AS $$ select 1

                -- comment inside
                SET not_a_setting = 1;
                $$;


                ALTER FUNCTION public.f(a integer, b text) OWNER TO postgres;""");
        assertThat(function.settings()).isEmpty();
        assertThat(function.statements()).hasSize(2);
    }

    @Test
    void relationsCarryTheTablespaceAndAccessMethodInEffectWhereverPgDumpPrintedThem() {
        var entries = SchemaText.parse(DUMP).entries();

        assertThat(entries.get(2).settings()).containsExactly("SET default_tablespace = '';",
                "SET default_table_access_method = heap;");
        assertThat(entries.get(3).settings()).as("an index: the tablespace only").containsExactly("SET default_tablespace = '';");
        assertThat(entries.get(4).settings()).as("a comment: none").isEmpty();
    }

    @Test
    void theCanonicalFormIgnoresTheOrderOfEntriesAndWhatSurroundsThem() {
        var parsed = SchemaText.parse(DUMP);
        String reordered = "--\n-- Dumped by pg_dump version 16.1\n--\n\nSET statement_timeout = 0;\n\n"
                + "SET default_tablespace = '';\n\nSET default_table_access_method = heap;\n\n"
                + headerAndBody(parsed, 3) + headerAndBody(parsed, 0) + headerAndBody(parsed, 1) + headerAndBody(parsed, 2)
                + headerAndBody(parsed, 6) + headerAndBody(parsed, 5) + headerAndBody(parsed, 4);

        assertThat(SchemaText.canonical(reordered)).isEqualTo(SchemaText.canonical(DUMP));
        assertThat(SchemaText.canonical(DUMP.replace("USING btree (id)", "USING hash (id)")))
                .isNotEqualTo(SchemaText.canonical(DUMP));
    }

    @Test
    void aTableShellLeavesOutColumnsAndChecksButKeepsWhatFollows() {
        var table = SchemaText.parse(DUMP).entries().get(2);

        TableShell shell = TableShell.of(table);

        assertThat(shell.head()).isEqualTo("SET default_tablespace = '';\nSET default_table_access_method = heap;\n"
                + "CREATE TABLE \"Odd; Type: X\".\"t 1\" (\n);");
        assertThat(shell.rest()).containsExactly("ALTER TABLE \"Odd; Type: X\".\"t 1\" OWNER TO postgres;");
    }

    @Test
    void splitsStatementsOutsideQuotesDollarBodiesAndComments() {
        assertThat(SqlStatements.split("SELECT 'a;b', \"c;d\", E'e\\';f';\nCREATE FUNCTION x() AS $f$ a; $$ b; $f$;\n"
                + "-- c; d\nSELECT 1 /* e; /* f; */ g; */;"))
                .containsExactly("SELECT 'a;b', \"c;d\", E'e\\';f';", "CREATE FUNCTION x() AS $f$ a; $$ b; $f$;",
                        "-- c; d\nSELECT 1 /* e; /* f; */ g; */;");
    }

    private static String headerAndBody(SchemaText.Dump dump, int index) {
        DumpEntry e = dump.entries().get(index);
        String name = e.type().equals("DEFAULT ACL") ? e.key().name().substring(0, e.key().name().indexOf(" (")) : e.key().name();
        return "--\n-- Name: %s; Type: %s; Schema: %s; Owner: %s\n--\n\n%s\n\n\n".formatted(name, e.type(),
                e.key().schema().isEmpty() ? "-" : e.key().schema(), e.owner(), e.sql());
    }

    @Test
    void namesWithSpacesAndQuotesRoundTripThroughTheHeader() {
        var entries = SchemaText.parse("--\n-- Name: a\"b c; Type: VIEW; Schema: s p; Owner: o\n--\n\nCREATE VIEW x;\n")
                .entries();
        assertThat(entries).singleElement().satisfies(e -> {
            assertThat(e.key()).isEqualTo(new EntryKey("VIEW", "s p", "a\"b c"));
            assertThat(e.sql()).isEqualTo("CREATE VIEW x;");
            assertThat(e.owner()).isEqualTo("o");
        });
        assertThat(List.of(entries.getFirst().key().toString())).containsExactly("view s p.a\"b c");
    }

    @Test
    void aRangeTypesDefaultMultirangeNameIsLeftOutSoThatPostgresql13AndLaterMajorsCompareEqual() {
        String on13 = "CREATE TYPE public.floatrange AS RANGE (\n    subtype = double precision\n);";
        String on15 = "CREATE TYPE public.floatrange AS RANGE (\n    subtype = double precision,\n"
                + "    multirange_type_name = public.floatmultirange\n);";
        assertThat(SchemaText.withoutDefaultMultirange(on15)).isEqualTo(on13);
        assertThat(SchemaText.withoutDefaultMultirange(on13)).isEqualTo(on13);
        String span = "CREATE TYPE s.span AS RANGE (\n    subtype = integer,\n    multirange_type_name = s.span_multirange\n);";
        assertThat(SchemaText.withoutDefaultMultirange(span)).isEqualTo("CREATE TYPE s.span AS RANGE (\n    subtype = integer\n);");
        String chosen = "CREATE TYPE public.floatrange AS RANGE (\n    subtype = double precision,\n"
                + "    multirange_type_name = public.many_floats\n);";
        assertThat(SchemaText.withoutDefaultMultirange(chosen)).as("a name the user chose stays").isEqualTo(chosen);
    }
}
