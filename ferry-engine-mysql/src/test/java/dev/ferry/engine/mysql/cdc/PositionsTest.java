package dev.ferry.engine.mysql.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.FerryException;
import dev.ferry.core.model.Position.BinlogPosition;
import dev.ferry.core.model.Position.PgLsn;
import dev.ferry.engine.mysql.Flavor;
import dev.ferry.engine.mysql.cdc.SourceLog.LogFile;
import java.util.List;
import org.junit.jupiter.api.Test;

class PositionsTest {

    @Test
    void coordinatesOrderByFileNumberThenOffset() {
        var a = new BinlogPosition("mysql-bin.000009", 900, "");
        var b = new BinlogPosition("mysql-bin.000010", 4, "");
        assertThat(Coordinates.compare(a, b)).isNegative();
        assertThat(Coordinates.compare(b, a)).isPositive();
        assertThat(Coordinates.compare(b, new BinlogPosition("mysql-bin.000010", 4, "0-1-5"))).isZero();
        assertThat(Coordinates.later(a, b)).isSameAs(b);
        assertThatThrownBy(() -> Coordinates.binlog(new PgLsn(1), "start")).isInstanceOf(FerryException.class)
                .hasMessageContaining("not a MySQL/MariaDB binlog position");
    }

    @Test
    void bytesBetweenAddTheRestOfTheFirstFileEveryFileBetweenAndTheLastOffset() {
        var files = List.of(new LogFile("b.000001", 1000), new LogFile("b.000002", 500), new LogFile("b.000003", 700));
        assertThat(SourceLog.bytesBetween(files, new BinlogPosition("b.000001", 400, ""), new BinlogPosition("b.000003", 100, "")))
                .isEqualTo(600 + 500 + 100);
        assertThat(SourceLog.bytesBetween(files, new BinlogPosition("b.000002", 100, ""), new BinlogPosition("b.000002", 450, "")))
                .isEqualTo(350);
        assertThat(SourceLog.bytesBetween(files, new BinlogPosition("b.000003", 100, ""), new BinlogPosition("b.000002", 5, "")))
                .isZero();
    }

    @Test
    void mariaDbGtidStateKeepsOneSequencePerDomain() {
        GtidTracker state = GtidTracker.of(Flavor.MARIADB, "0-1-100,1-2-5");
        state.add("0-1-101");
        state.add("2-3-1");
        assertThat(state.text()).isEqualTo("0-1-101,1-2-5,2-3-1");
        assertThat(state.contains("0-1-101")).isTrue();
        assertThat(state.contains("0-9-50")).isTrue();
        assertThat(state.contains("0-1-102")).isFalse();
        assertThat(state.contains("7-1-1")).isFalse();
        assertThat(state.copy().text()).isEqualTo(state.text());
    }

    @Test
    void mySqlGtidSetsMergeIntervals() {
        String uuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
        GtidTracker state = GtidTracker.of(Flavor.MYSQL, uuid + ":1-5");
        state.add(uuid + ":6");
        assertThat(state.text()).isEqualTo(uuid + ":1-6");
        assertThat(state.contains(uuid + ":3")).isTrue();
        assertThat(state.contains(uuid + ":7")).isFalse();
    }

    @Test
    void serverIdsAreStableDistinctPerDatabaseAndNeverTheSources() {
        long a = ServerIds.of("job", "shop", 1);
        assertThat(a).isEqualTo(ServerIds.of("job", "shop", 1)).isGreaterThanOrEqualTo(ServerIds.LOWEST).isLessThanOrEqualTo(0xFFFF_FFFFL);
        assertThat(ServerIds.of("job", "crm", 1)).isNotEqualTo(a);
        assertThat(ServerIds.of("job", "shop", a)).isEqualTo(a + 1);
    }
}
