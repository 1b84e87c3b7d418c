package dev.ferry.engine.mysql.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.cdc.ChangeEvent.Begin;
import dev.ferry.core.cdc.RowChange.Op;
import dev.ferry.core.model.Position.BinlogPosition;
import dev.ferry.core.model.TableRef;
import dev.ferry.engine.mysql.Flavor;
import dev.ferry.engine.mysql.cdc.TableDef.ColumnDef;
import java.io.Serializable;
import java.time.Instant;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class BinlogChangeTest {
    private static final List<ColumnDef> COLUMNS = List.of(new ColumnDef("id", "int", false, false),
            new ColumnDef("code", "varbinary", false, false), new ColumnDef("v", "varchar", false, false),
            new ColumnDef("g", "int", false, true));
    private static final TableDef KEYED = new TableDef(new TableRef("db", "t"), COLUMNS, List.of(0, 1), true, false);
    private static final TableDef UNIQUE = new TableDef(new TableRef("db", "u"), COLUMNS, List.of(0), true, false, true);
    private static final TableDef FLAT = new TableDef(new TableRef("db", "f"), COLUMNS, List.of(0), false, false);
    private static final TableDef LOOSE = new TableDef(new TableRef("db", "l"), COLUMNS, List.of(), true, false);
    private static final BitSet ALL = all(4);

    @Test
    void keysAreThePrimaryKeyValuesOfTheRowWithBinaryValuesComparedByContent() {
        BinlogChange insert = insert(KEYED, 1, "ab", "x");
        BinlogChange update = update(KEYED, row(1, "ab", "x"), row(1, "ab", "y"));
        BinlogChange delete = change(KEYED, Op.DELETE, ALL, null, row(1, "ab", "y"), null);

        assertThat(insert.key()).isEqualTo(update.key()).isEqualTo(delete.key()).hasSameHashCodeAs(delete.key());
        assertThat(insert.key()).isNotEqualTo(insert(KEYED, 1, "ac", "x").key());
        assertThat(update.keyChanged()).isFalse();
        assertThat(update(KEYED, row(1, "ab", "x"), row(2, "ab", "x")).keyChanged()).isTrue();
        assertThat(insert(LOOSE, 1, "ab", "x").key()).isNull();
        BitSet withoutKey = new BitSet();
        withoutKey.set(2);
        assertThat(change(KEYED, Op.DELETE, withoutKey, null, new Serializable[] {"x".getBytes()}, null).key()).isNull();
    }

    @Test
    void keysACaseInsensitiveCollationTakesForOneRowAreTwoKeysWithOneHash() {
        var lower = new BinlogChange.Bytes("abc".getBytes());
        var upperPadded = new BinlogChange.Bytes("ABC  ".getBytes());
        assertThat(lower).isNotEqualTo(upperPadded).hasSameHashCodeAs(upperPadded);
        assertThat(lower.hashCode()).isNotEqualTo(new BinlogChange.Bytes("abd".getBytes()).hashCode());
    }

    @Test
    void tablesWithAnotherUniqueKeyNoKeyOrNoTransactionsStayWhole() {
        assertThat(insert(KEYED, 1, "a", "x").wholeTable()).isFalse();
        assertThat(insert(UNIQUE, 1, "a", "x").wholeTable()).isTrue();
        assertThat(insert(FLAT, 1, "a", "x").wholeTable()).isTrue();
        assertThat(insert(LOOSE, 1, "a", "x").wholeTable()).isTrue();
    }

    @Test
    void aRowsSizeCountsItsValuesAndTheirBoxes() {
        BinlogChange small = insert(KEYED, 1, "a", "x");
        BinlogChange large = insert(KEYED, 1, "a", "x".repeat(10_000));
        assertThat(small.bytes()).isBetween(200L, 400L);
        assertThat(large.bytes() - small.bytes()).isBetween(9_900L, 10_100L);
    }

    @Test
    void anInsertThenAnUpdateMergeIntoAnInsertOfTheFinalRow() {
        BinlogChange insert = insert(KEYED, 1, "a", "x");
        BinlogChange update = update(KEYED, row(1, "a", "x"), row(1, "a", "y"));

        BinlogChange merged = BinlogChange.merge(insert, update);

        assertThat(merged.op()).isEqualTo(Op.INSERT);
        assertThat(merged.afterRow()).isSameAs(update.afterRow());
        assertThat(merged.key()).isEqualTo(insert.key());
    }

    @Test
    void twoUpdatesMergeIntoOneFromTheFirstsOldRowToTheSecondsNewRow() {
        BinlogChange first = update(KEYED, row(1, "a", "x"), row(1, "a", "y"));
        BinlogChange second = update(KEYED, row(1, "a", "y"), row(1, "a", "z"));

        BinlogChange merged = BinlogChange.merge(first, second);

        assertThat(merged.op()).isEqualTo(Op.UPDATE);
        assertThat(merged.beforeRow()).isSameAs(first.beforeRow());
        assertThat(merged.afterRow()).isSameAs(second.afterRow());
    }

    @Test
    void partialImagesAndDeletesDoNotMerge() {
        BitSet minimal = new BitSet();
        minimal.set(2);
        BinlogChange first = update(KEYED, row(1, "a", "x"), row(1, "a", "y"));
        BinlogChange partial = change(KEYED, Op.UPDATE, ALL, minimal, row(1, "a", "y"), new Serializable[] {"z".getBytes()});

        assertThat(BinlogChange.merge(first, partial)).isNull();
        assertThat(BinlogChange.merge(first, change(KEYED, Op.DELETE, ALL, null, row(1, "a", "y"), null))).isNull();
    }

    @Test
    void setBasedStatementsFindRowsByTheKeyAndLeaveGeneratedColumnsOut() {
        assertThat(NetSql.delete(KEYED, 2).sql()).isEqualTo("DELETE FROM `db`.`t` WHERE (`id`, `code`) IN ((?, ?), (?, ?))");
        assertThat(NetSql.delete(UNIQUE, 3).sql()).isEqualTo("DELETE FROM `db`.`u` WHERE `id` IN (?, ?, ?)");
        NetSql insert = NetSql.insert(KEYED, ALL, 2);
        assertThat(insert.sql()).isEqualTo("INSERT INTO `db`.`t` (`id`, `code`, `v`) VALUES (?, ?, ?), (?, ?, ?)");
        assertThat(insert.columns()).containsExactly(0, 1, 2);
        NetSql update = NetSql.update(KEYED, ALL, 2);
        assertThat(update.sql()).isEqualTo("UPDATE `db`.`t` AS `ferry_t` JOIN (SELECT ? AS `k0`, ? AS `k1`, ? AS `c0`"
                + " UNION ALL SELECT ?, ?, ?) AS `ferry_v` ON `ferry_t`.`id` = `ferry_v`.`k0` AND `ferry_t`.`code` = `ferry_v`.`k1`"
                + " SET `ferry_t`.`v` = `ferry_v`.`c0`");
        assertThat(update.columns()).containsExactly(0, 1, 2);
        assertThat(update.fromOld()).isEqualTo(2);
    }

    @Test
    void aTransactionIsCoveredByItsGtidWhenStreamingByGtidElseByItsStart() {
        var byGtid = new BinlogOrder(Flavor.MARIADB, true);
        var byFile = new BinlogOrder(Flavor.MARIADB, false);
        var applied = new BinlogPosition("b.000002", 500, "0-1-10");
        var at = new BinlogPosition("b.000002", 400, "");

        assertThat(byGtid.covers(applied, new Begin<>(at, "0-1-10", Instant.EPOCH))).isTrue();
        assertThat(byGtid.covers(applied, new Begin<>(new BinlogPosition("b.000001", 4, ""), "0-1-11", Instant.EPOCH))).isFalse();
        assertThat(byGtid.covers(applied, new Begin<>(at, BinlogOrder.name(at), Instant.EPOCH))).isTrue();
        assertThat(byFile.covers(applied, new Begin<>(at, "0-1-11", Instant.EPOCH))).isTrue();
        assertThat(byFile.covers(applied, new Begin<>(new BinlogPosition("b.000002", 500, ""), "0-1-11", Instant.EPOCH)))
                .isFalse();
    }

    private static BinlogChange insert(TableDef t, int id, String code, String v) {
        return change(t, Op.INSERT, null, ALL, null, row(id, code, v));
    }

    private static BinlogChange update(TableDef t, Serializable[] before, Serializable[] after) {
        return change(t, Op.UPDATE, ALL, ALL, before, after);
    }

    private static BinlogChange change(TableDef t, Op op, BitSet before, BitSet after, Serializable[] beforeRow,
            Serializable[] afterRow) {
        return BinlogChange.of(t, new byte[4], op, before, after, beforeRow, afterRow, "binlog b.000001:4");
    }

    private static Serializable[] row(int id, String code, String v) {
        return new Serializable[] {id, code.getBytes(), v.getBytes(), null};
    }

    private static BitSet all(int n) {
        BitSet b = new BitSet();
        b.set(0, n);
        return b;
    }
}
