package dev.ferry.engine.postgres.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.TableRef;
import dev.ferry.engine.postgres.catalog.TableCatalog.ColumnDefinition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvolutionTest {
    private static final TableRef T = new TableRef("Sales", "Order\"s");
    private static final String ALTER = "ALTER TABLE \"Sales\".\"Order\"\"s\"";

    private static ColumnDefinition column(String name, String type) {
        return new ColumnDefinition(name, type, false, null, ' ', false);
    }

    private static Evolution.Wanted wanted(String name, String type) {
        return new Evolution.Wanted(name, type, null, null);
    }

    @Test
    void anAddedColumnTakesTheValueOlderRowsHoldThenTheSourcesDefault() {
        var e = new Evolution(T, List.of(wanted("id", "integer"), new Evolution.Wanted("at", "timestamp with time zone",
                "'2026-12-03 10:00:00+00'", "now()")), Map.of(), false);
        assertThat(e.statements(List.of(column("id", "integer")))).containsExactly(
                ALTER + " ADD COLUMN \"at\" timestamp with time zone DEFAULT '2026-12-03 10:00:00+00'::timestamp with time zone",
                ALTER + " ALTER COLUMN \"at\" SET DEFAULT now()");
    }

    @Test
    void aColumnAddedWithoutDefaultIsJustAdded() {
        var e = new Evolution(T, List.of(wanted("id", "integer"), wanted("note", "text")), Map.of(), false);
        assertThat(e.statements(List.of(column("id", "integer")))).containsExactly(ALTER + " ADD COLUMN \"note\" text");
    }

    @Test
    void aRetypedColumnIsCastAndItsDefaultComesBackAfter() {
        var present = List.of(column("id", "integer"), new ColumnDefinition("n", "integer", true, "0", ' ', false));
        var e = new Evolution(T, List.of(wanted("id", "integer"), new Evolution.Wanted("n", "bigint", null, "0")), Map.of(), false);
        assertThat(e.statements(present)).containsExactly(ALTER + " ALTER COLUMN \"n\" DROP DEFAULT",
                ALTER + " ALTER COLUMN \"n\" TYPE bigint USING \"n\"::bigint", ALTER + " ALTER COLUMN \"n\" SET DEFAULT 0");
    }

    @Test
    void droppedColumnsGoOrLoseNotNullWhenKeptAndGeneratedOnesStay() {
        var present = List.of(column("id", "integer"), new ColumnDefinition("old", "text", true, null, ' ', false),
                new ColumnDefinition("total", "bigint", false, "(id * 2)", ' ', true));
        List<Evolution.Wanted> wanted = List.of(wanted("id", "integer"));
        assertThat(new Evolution(T, wanted, Map.of(), false).statements(present))
                .containsExactly(ALTER + " DROP COLUMN \"old\" CASCADE");
        assertThat(new Evolution(T, wanted, Map.of(), true).statements(present))
                .containsExactly(ALTER + " ALTER COLUMN \"old\" DROP NOT NULL");
    }

    @Test
    void aRenameIsMadeOnceAndRunningTheEvolutionAgainChangesNothing() {
        var e = new Evolution(T, List.of(wanted("id", "integer"), wanted("new name", "text")), Map.of("b", "new name"), false);
        assertThat(e.statements(List.of(column("id", "integer"), column("b", "text"))))
                .containsExactly(ALTER + " RENAME COLUMN \"b\" TO \"new name\"");
        assertThat(e.statements(List.of(column("id", "integer"), column("new name", "text")))).isEmpty();
    }
}
