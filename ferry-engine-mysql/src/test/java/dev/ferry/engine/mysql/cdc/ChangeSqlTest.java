package dev.ferry.engine.mysql.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import dev.ferry.core.cdc.LagProbe;
import dev.ferry.core.model.TableRef;
import dev.ferry.engine.mysql.cdc.TableDef.ColumnDef;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeSqlTest {
    private static final TableDef KEYED = new TableDef(new TableRef("db", "t"), List.of(
            new ColumnDef("id", "int", false, false), new ColumnDef("v", "varchar", false, false),
            new ColumnDef("g", "int", false, true)), List.of(0), true, false);
    private static final TableDef KEYLESS = new TableDef(new TableRef("db", "log"), List.of(
            new ColumnDef("a", "int", false, false), new ColumnDef("j", "json", false, false)), List.of(), false, false);

    @Test
    void keyedRowsAreMatchedByTheKeyAndGeneratedColumnsAreLeftOut() {
        assertThat(ChangeSql.insert(KEYED, all(3), false).sql()).isEqualTo("INSERT INTO `db`.`t` (`id`, `v`) VALUES (?, ?)");
        ChangeSql update = ChangeSql.update(KEYED, all(3), all(3));
        assertThat(update.sql()).isEqualTo("UPDATE `db`.`t` SET `id` = ?, `v` = ? WHERE `id` = ?");
        assertThat(update.written()).containsExactly(0, 1);
        assertThat(update.matched()).containsExactly(0);
        assertThat(ChangeSql.delete(KEYED, all(3)).sql()).isEqualTo("DELETE FROM `db`.`t` WHERE `id` = ?");
    }

    @Test
    void aKeyProbeSelectsOneRowByThePrimaryKey() {
        ChangeSql probe = ChangeSql.exists(KEYED);
        assertThat(probe.sql()).isEqualTo("SELECT 1 FROM `db`.`t` WHERE `id` = ? LIMIT 1");
        assertThat(probe.matched()).containsExactly(0);
    }

    @Test
    void aDivergedRowIsNamedByItsPrimaryKeyOnlyWithTextDecodedAndNothingWithoutAKey() {
        var named = new TableDef(new TableRef("db", "u"), List.of(new ColumnDef("secret", "varchar", false, false),
                new ColumnDef("code", "varchar", false, false), new ColumnDef("n", "int", false, false)), List.of(1, 2), true, false);
        BitSet image = all(3);
        assertThat(DivergedRows.key(named, image, new Serializable[] {"hidden".getBytes(), "ab".getBytes(), 7}))
                .isEqualTo("(code, n)=(ab, 7)");
        assertThat(DivergedRows.key(KEYLESS, all(2), new Serializable[] {1, "x"})).isEmpty();
        BitSet partial = new BitSet();
        partial.set(0);
        assertThat(DivergedRows.key(named, partial, new Serializable[] {"hidden".getBytes()})).isEmpty();
    }

    @Test
    void keylessRowsAreMatchedNullSafelyByEveryColumnOneAtATime() {
        assertThat(ChangeSql.delete(KEYLESS, all(2)).sql())
                .isEqualTo("DELETE FROM `db`.`log` WHERE `a` <=> ? AND `j` <=> CAST(? AS JSON) LIMIT 1");
        assertThat(ChangeSql.insert(KEYLESS, all(2), true).sql()).startsWith("REPLACE INTO `db`.`log`");
    }

    @Test
    void aBeforeImageWithoutTheKeyFallsBackToEveryColumnItHas() {
        BitSet partial = new BitSet();
        partial.set(1);
        assertThat(ChangeSql.byKey(KEYED, partial)).isFalse();
        assertThat(ChangeSql.delete(KEYED, partial).sql()).isEqualTo("DELETE FROM `db`.`t` WHERE `v` <=> ? LIMIT 1");
    }

    @Test
    void integersTheLibraryReadAsSignedBecomeUnsignedByWidth() {
        assertThat(ValueBinder.unsigned(-1, ColumnType.TINY.getCode())).isEqualTo(255);
        assertThat(ValueBinder.unsigned(-1, ColumnType.SHORT.getCode())).isEqualTo(65_535);
        assertThat(ValueBinder.unsigned(-1, ColumnType.INT24.getCode())).isEqualTo(16_777_215);
        assertThat(ValueBinder.unsigned(-1, ColumnType.LONG.getCode())).isEqualTo(4_294_967_295L);
        assertThat(ValueBinder.unsigned(42, ColumnType.LONG.getCode())).isEqualTo(42);
        assertThat(DestinationCatalog.unsigned("bigint", "bigint(20) unsigned zerofill")).isTrue();
        assertThat(DestinationCatalog.unsigned("enum", "enum('unsigned')")).isFalse();
    }

    @Test
    void lagIsTheAgeOfTheOldestPendingTransactionAndZeroWhenIdle() {
        Instant now = Instant.ofEpochSecond(100);
        assertThat(LagProbe.lag(now, Instant.ofEpochSecond(90), true, null)).isEqualTo(Duration.ofSeconds(10));
        assertThat(LagProbe.lag(now, null, true, Instant.ofEpochSecond(97))).isEqualTo(Duration.ofSeconds(3));
        assertThat(LagProbe.lag(now, null, false, Instant.ofEpochSecond(97))).isZero();
        assertThat(LagProbe.lag(now, Instant.ofEpochSecond(101), true, null)).isZero();
    }

    private static BitSet all(int n) {
        BitSet b = new BitSet();
        b.set(0, n);
        return b;
    }
}
