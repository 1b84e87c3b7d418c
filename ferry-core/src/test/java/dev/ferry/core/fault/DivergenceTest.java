package dev.ferry.core.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DivergencePolicy;
import dev.ferry.core.model.Position;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.ReplicationListener;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DivergenceTest {
    private static final Divergence MISSING = new Divergence("shop", new TableRef("public", "acct"), "UPDATE",
            Divergence.Problem.NO_ROW, Divergence.key(List.of("id"), List.of(42)), "LSN 0/16B3748", 3);

    @Test
    void keysShowNamesAndValuesCutToABoundAndNullsAndBytes() {
        assertThat(Divergence.key(List.of("a", "b"), Arrays.asList("x", null))).isEqualTo("(a, b)=(x, NULL)");
        assertThat(Divergence.key(List.of("k"), List.of("y".repeat(100))))
                .isEqualTo("(k)=(" + "y".repeat(Divergence.MAX_VALUE_CHARS) + "...)");
        assertThat(Divergence.key(List.of("b"), List.of((Object) new byte[] {0x0a, (byte) 0xff}))).isEqualTo("(b)=(0x0aff)");
        assertThat(Divergence.key(List.of(), List.of())).isEmpty();
    }

    @Test
    void theFailureIsDivergedAndNamesDatabaseTableChangeKeyPositionAndWhatToDo() {
        FerryException e = MISSING.failure();
        assertThat(e.code()).isEqualTo(ErrorCode.DIVERGED);
        assertThat(e.getMessage()).contains("database shop", "table public.acct", "UPDATE", "found no row", "key (id)=(42)",
                "LSN 0/16B3748", "2 more row(s)", "restart the job", "onDivergence", "RECORD");
        assertThat(MISSING.failure(false, null).getMessage()).doesNotContain("onDivergence");
    }

    @Test
    void aRowWithoutKeyIsNamedWithoutValues() {
        var keyless = new Divergence("shop", new TableRef("public", "log"), "DELETE", Divergence.Problem.NO_ROW, "", "LSN 0/1", 1);
        assertThat(keyless.detail()).contains("without a primary key, values not shown").doesNotContain("more row");
    }

    @Test
    void theGateFailsUnderFailAndTellsTheListenerUnderRecord() {
        List<String> told = new ArrayList<>();
        ReplicationListener listener = new ReplicationListener() {
            @Override
            public void applied(Position position, Instant sourceCommitTime, Map<TableRef, Long> rows) {}

            @Override
            public void lag(Duration lag, long bytes) {}

            @Override
            public void unsupported(TableRef table, String what) {}

            @Override
            public void diverged(TableRef table, String detail) {
                told.add(table + ": " + detail);
            }
        };
        var fail = new DivergenceGate(DivergencePolicy.FAIL, listener);
        assertThatThrownBy(() -> fail.check(MISSING)).isInstanceOfSatisfying(FerryException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.DIVERGED));

        var record = new DivergenceGate(DivergencePolicy.RECORD, listener);
        record.check(MISSING);
        record.recorded(MISSING, "the source's new row was inserted");
        assertThat(told).singleElement().asString().contains("public.acct", "(id)=(42)", "the source's new row was inserted");
    }
}
