package dev.ferry.engine.postgres.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TableDumpTest {
    @Test
    void theDumpKeepsItsStatementsAndDropsMetaCommandsCommentsAndThePreamblesSettings() {
        String dump = String.join("\n", "--", "-- PostgreSQL database dump", "--", "\\restrict abc", "", "SET statement_timeout = 0;",
                "SELECT pg_catalog.set_config('search_path', '', false);", "SET default_tablespace = '';", "",
                "CREATE TABLE public.t (", "    id integer NOT NULL,", "    v text DEFAULT 'SET x'::text", ");", "",
                "-- Name: t; Type: TABLE", "ALTER TABLE public.t OWNER TO app;", "\\unrestrict abc", "");
        assertThat(TableDump.statements(dump)).isEqualTo(String.join("\n", "CREATE TABLE public.t (", "    id integer NOT NULL,",
                "    v text DEFAULT 'SET x'::text", ");", "", "ALTER TABLE public.t OWNER TO app;"));
    }
}
