package dev.ferry.control.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.validate.KeyRange;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkLedgerTest {
    private static final TableRef T = new TableRef("public", "t");
    private static final List<KeyRange> RANGES = List.of(new KeyRange(null, List.of("100")),
            new KeyRange(List.of("100"), List.of("200")), new KeyRange(List.of("200"), null));

    private static ChunkLedger allClean() {
        var ledger = new ChunkLedger();
        ledger.plan("j", "db", T, RANGES);
        for (int i = 0; i < RANGES.size(); i++) {
            ledger.begin("j", "db", T, i);
            ledger.clean("j", "db", T, i);
        }
        return ledger;
    }

    @Test
    void aTableNeverPlannedIsPendingWhole() {
        assertThat(new ChunkLedger().pending("j", "db", T)).isNull();
    }

    @Test
    void changesDirtyTheRangeTheirIntegerKeyFallsIn() {
        var ledger = allClean();
        assertThat(ledger.pending("j", "db", T).count()).isZero();
        ledger.changed("j", "db", T, List.of("150"));   // PostgreSQL keys arrive as text
        ledger.changed("j", "db", T, List.of(99L));     // MySQL keys as numbers
        var pending = ledger.pending("j", "db", T);
        assertThat(pending.todo().stream().boxed().toList()).containsExactly(0, 1);
        ledger.changed("j", "db", T, List.of(200));
        assertThat(ledger.pending("j", "db", T).todo().stream().boxed().toList()).containsExactly(0, 1, 2);
    }

    @Test
    void aKeyThatCannotBeLocatedOrAWholeTableChangeDirtiesEverything() {
        var ledger = allClean();
        ledger.changed("j", "db", T, List.of("abc"));
        assertThat(ledger.pending("j", "db", T).count()).isEqualTo(3);

        ledger = allClean();
        ledger.changed("j", "db", T, List.of(-5L)); // a negative key in a table whose ranges start at 0 or more
        assertThat(ledger.pending("j", "db", T).count()).isEqualTo(3);

        ledger = allClean();
        ledger.changed("j", "db", null, null);
        assertThat(ledger.pending("j", "db", T).count()).isEqualTo(3);
        ledger.changed("j", "other", T, List.of("1"));
    }

    @Test
    void aChangeDuringARangesValidationKeepsItDirtyButTheNextValidationCleansIt() {
        var ledger = new ChunkLedger();
        ledger.plan("j", "db", T, RANGES);
        ledger.begin("j", "db", T, 1);
        ledger.changed("j", "db", T, List.of("120"));
        ledger.clean("j", "db", T, 1);
        assertThat(ledger.pending("j", "db", T).todo().get(1)).isTrue();
        ledger.begin("j", "db", T, 1);
        ledger.clean("j", "db", T, 1);
        assertThat(ledger.pending("j", "db", T).todo().get(1)).isFalse();
    }

    @Test
    void rangesOfANonIntegerKeyAreDirtiedWhole() {
        var ledger = new ChunkLedger();
        ledger.plan("j", "db", T, List.of(new KeyRange(null, List.of("m")), new KeyRange(List.of("m"), null)));
        ledger.begin("j", "db", T, 0);
        ledger.clean("j", "db", T, 0);
        ledger.begin("j", "db", T, 1);
        ledger.clean("j", "db", T, 1);
        ledger.changed("j", "db", T, List.of("a"));
        assertThat(ledger.pending("j", "db", T).count()).isEqualTo(2);
    }
}
