package dev.ferry.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.FerryException;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;

class PositionProperties {

    @Property
    void lsnRoundTripsThroughText(@ForAll long value) {
        var lsn = new Position.PgLsn(value);
        assertThat(Position.parse(lsn.text())).isEqualTo(lsn);
    }

    @Property
    void binlogPositionRoundTripsThroughText(@ForAll @AlphaChars @StringLength(min = 1, max = 20) String file,
            @ForAll @LongRange(min = 0) long offset) {
        var position = new Position.BinlogPosition(file + ".000001", offset, "0-1-" + offset);
        assertThat(Position.parse(position.text())).isEqualTo(position);
    }

    @Example
    void lsnUsesPostgresSpelling() {
        assertThat(Position.PgLsn.parseLsn("16/B374D848").lsn()).isEqualTo("16/B374D848");
        assertThat(Position.PgLsn.parseLsn("0/0").value()).isZero();
    }

    @Example
    void garbageIsAnInvalidArgument() {
        assertThatThrownBy(() -> Position.parse("nonsense")).isInstanceOf(FerryException.class);
        assertThatThrownBy(() -> Position.parse("pg:zz")).isInstanceOf(FerryException.class);
    }
}
