package dev.ferry.engine.postgres.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.engine.postgres.cdc.ChangePlanner.Kind;
import dev.ferry.engine.postgres.cdc.ChangePlanner.Nothing;
import dev.ferry.engine.postgres.cdc.ChangePlanner.Statement;
import dev.ferry.engine.postgres.cdc.ChangePlanner.Unsupported;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Column;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Delete;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Insert;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Relation;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Tuple;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Update;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangePlannerTest {
    private static final Relation KEYED = new Relation(1, "public", "t", 'd', List.of(
            new Column("id", true, 23, -1), new Column("big", false, 25, -1), new Column("n", false, 23, -1)));
    private static final Relation FULL = new Relation(2, "public", "nokey", 'f', List.of(
            new Column("a", true, 23, -1), new Column("j", true, 114, -1)));
    private static final Relation NO_KEY = new Relation(3, "public", "bare", 'd', List.of(
            new Column("a", false, 23, -1)));

    @Test
    void anInsertNamesEveryColumnAndOverridesIdentity() {
        var st = (Statement) ChangePlanner.plan(KEYED, new Insert(1, tuple("t1", "tbig", "n")));
        assertThat(ChangePlanner.sql(KEYED, st.shape())).isEqualTo(
                "INSERT INTO \"public\".\"t\" (\"id\", \"big\", \"n\") OVERRIDING SYSTEM VALUE VALUES (?, ?, ?)");
        assertThat(st.values()).containsExactly("1", "big", null);
    }

    @Test
    void anUpdateLeavesUnchangedToastOutOfTheSetListAndFindsTheRowByKey() {
        var st = (Statement) ChangePlanner.plan(KEYED, new Update(1, (char) 0, null, tuple("t1", "u", "t5")));
        assertThat(st.shape().kind()).isEqualTo(Kind.UPDATE_BY_KEY);
        assertThat(ChangePlanner.sql(KEYED, st.shape()))
                .isEqualTo("UPDATE ONLY \"public\".\"t\" SET \"id\" = ?, \"n\" = ? WHERE \"id\" = ?");
        assertThat(st.values()).containsExactly("1", "5", "1");
    }

    @Test
    void aChangedKeyIsMatchedByTheOldKey() {
        var st = (Statement) ChangePlanner.plan(KEYED,
                new Update(1, 'K', tuple("t1", "n", "n"), tuple("t2", "u", "t5")));
        assertThat(st.values()).containsExactly("2", "5", "1");
    }

    @Test
    void updatesThatDifferOnlyInWhichColumnsAreSentGetDifferentStatements() {
        var a = (Statement) ChangePlanner.plan(KEYED, new Update(1, (char) 0, null, tuple("t1", "u", "t5")));
        var b = (Statement) ChangePlanner.plan(KEYED, new Update(1, (char) 0, null, tuple("t1", "tx", "t5")));
        var c = (Statement) ChangePlanner.plan(KEYED, new Update(1, (char) 0, null, tuple("t2", "u", "n")));
        assertThat(a.shape()).isNotEqualTo(b.shape()).isEqualTo(c.shape());
    }

    @Test
    void replicaIdentityFullMatchesExactlyOneRowByAllOldValues() {
        var st = (Statement) ChangePlanner.plan(FULL,
                new Update(2, 'O', tuple("t1", "t{\"a\": 1}"), tuple("t2", "t{\"a\": 1}")));
        assertThat(ChangePlanner.sql(FULL, st.shape())).isEqualTo("UPDATE ONLY \"public\".\"nokey\" SET \"a\" = ?, \"j\" = ? "
                + "WHERE ctid = (SELECT ctid FROM ONLY \"public\".\"nokey\" WHERE \"a\" IS NOT DISTINCT FROM ? "
                + "AND \"j\"::text IS NOT DISTINCT FROM ?::text LIMIT 1)");
        assertThat(st.values()).containsExactly("2", "{\"a\": 1}", "1", "{\"a\": 1}");

        var del = (Statement) ChangePlanner.plan(FULL, new Delete(2, 'O', tuple("n", "t[]")));
        assertThat(ChangePlanner.sql(FULL, del.shape())).startsWith("DELETE FROM ONLY \"public\".\"nokey\" WHERE ctid = (");
        assertThat(del.values()).containsExactly(null, "[]");
    }

    @Test
    void updatesAndDeletesWithoutReplicaIdentityAreUnsupported() {
        assertThat(ChangePlanner.plan(NO_KEY, new Update(3, (char) 0, null, tuple("t1"))))
                .isEqualTo(new Unsupported("UPDATE without replica identity"));
        assertThat(ChangePlanner.plan(NO_KEY, new Delete(3, 'K', tuple("t1"))))
                .isEqualTo(new Unsupported("DELETE without replica identity"));
    }

    @Test
    void anUpdateThatSendsNoColumnHasNothingToApply() {
        var rel = new Relation(4, "public", "blob", 'f', List.of(new Column("b", true, 25, -1)));
        assertThat(ChangePlanner.plan(rel, new Update(4, 'O', tuple("u"), tuple("u")))).isEqualTo(new Nothing());
    }

    @Test
    void identifiersAreQuotedWhateverTheyContain() {
        var odd = new Relation(5, "Sales \"Dept\"", "Order Items", 'd', List.of(new Column("Id\"x", true, 23, -1)));
        var st = (Statement) ChangePlanner.plan(odd, new Delete(5, 'K', tuple("t7")));
        assertThat(ChangePlanner.sql(odd, st.shape()))
                .isEqualTo("DELETE FROM ONLY \"Sales \"\"Dept\"\"\".\"Order Items\" WHERE \"Id\"\"x\" = ?");
    }

    @Test
    void anInsertIntoATableWithAPrimaryKeySkipsAnExistingKeySoItsCountShowsTheDivergence() {
        var st = (Statement) ChangePlanner.plan(KEYED, new Insert(1, tuple("t1", "tbig", "n")));
        assertThat(ChangePlanner.sql(KEYED, st.shape(), List.of("id"))).isEqualTo("INSERT INTO \"public\".\"t\" "
                + "(\"id\", \"big\", \"n\") OVERRIDING SYSTEM VALUE VALUES (?, ?, ?) ON CONFLICT (\"id\") DO NOTHING");
        assertThat(ChangePlanner.sql(KEYED, st.shape(), List.of("missing"))).doesNotContain("ON CONFLICT");
        var update = (Statement) ChangePlanner.plan(KEYED, new Update(1, (char) 0, null, tuple("t1", "u", "t5")));
        assertThat(ChangePlanner.sql(KEYED, update.shape(), List.of("id"))).doesNotContain("ON CONFLICT");
    }

    @Test
    void aDivergedRowIsNamedByItsOldKeyOrItsNewOne() {
        var moved = (Statement) ChangePlanner.plan(KEYED, new Update(1, 'K', tuple("t1", "n", "n"), tuple("t2", "u", "t5")));
        assertThat(ChangePlanner.keyValues(KEYED, moved, List.of("id"))).containsExactly("1");
        var insert = (Statement) ChangePlanner.plan(KEYED, new Insert(1, tuple("t9", "tbig", "n")));
        assertThat(ChangePlanner.keyValues(KEYED, insert, List.of("id"))).containsExactly("9");
        var full = (Statement) ChangePlanner.plan(FULL, new Delete(2, 'O', tuple("t3", "t[]")));
        assertThat(ChangePlanner.keyValues(FULL, full, List.of("a"))).containsExactly("3");
        assertThat(ChangePlanner.keyValues(FULL, full, List.of("nope"))).isNull();
    }

    @Test
    void onlyAnUpdateCarryingEveryColumnGivesANewRowToInsert() {
        var whole = (Statement) ChangePlanner.plan(KEYED, new Update(1, 'K', tuple("t1", "n", "n"), tuple("t2", "tb", "t5")));
        var row = ChangePlanner.newRow(KEYED, whole).orElseThrow();
        assertThat(row.shape().kind()).isEqualTo(Kind.INSERT);
        assertThat(row.values()).containsExactly("2", "b", "5");
        var toasted = (Statement) ChangePlanner.plan(KEYED, new Update(1, (char) 0, null, tuple("t1", "u", "t5")));
        assertThat(ChangePlanner.newRow(KEYED, toasted)).isEmpty();
        var delete = (Statement) ChangePlanner.plan(KEYED, new Delete(1, 'K', tuple("t1", "n", "n")));
        assertThat(ChangePlanner.newRow(KEYED, delete)).isEmpty();
    }

    /** Each cell: "n" null, "u" unchanged TOAST, "t..." text. */
    private static Tuple tuple(String... cells) {
        byte[] kinds = new byte[cells.length];
        String[] values = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            kinds[i] = (byte) cells[i].charAt(0);
            values[i] = kinds[i] == 't' ? cells[i].substring(1) : null;
        }
        return new Tuple(kinds, values);
    }
}
