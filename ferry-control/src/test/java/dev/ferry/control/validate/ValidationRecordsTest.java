package dev.ferry.control.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.Finding;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.Severity;
import dev.ferry.core.model.Validation;
import dev.ferry.core.model.Validation.RowDifference;
import dev.ferry.core.model.Validation.TableResult;
import dev.ferry.core.model.ValidationMode;
import dev.ferry.store.JdbcStore;
import dev.ferry.store.StoreConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidationRecordsTest {
    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    @TempDir
    Path home;

    private JdbcStore store;

    @BeforeEach
    void open() {
        store = JdbcStore.open(StoreConfig.embedded(home));
        store.insertJob(new MigrationJob("j", null, Map.of(), JobType.CONTINUOUS, "s", "d", null, null,
                dev.ferry.core.model.JobState.RUNNING, null, null, T0, T0, null, null));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static Validation validation(String id, Instant start, Instant end) {
        var table = new TableResult("shop", "public.orders", Validation.Status.DIFFERENT, 4, 4, 1000,
                List.of(new RowDifference(RowDifference.Kind.MISSING, List.of("id=42"), 1)), 3, "a note");
        return new Validation(id, "j", "op-1", ValidationMode.FULL, "public.*", Validation.Status.DIFFERENT, "1 differs",
                start, end, 1000, 2048, 4096, 0, List.of(table),
                List.of(new Finding("SCHEMA_DIFFERENCE", Severity.ERROR, "index public.i is missing", "create it", "index public.i")));
    }

    @Test
    void aValidationIsKeptWithItsJobAndReadBackWhole() {
        var records = new ValidationRecords(store);
        Validation v = validation("v1", T0, T0.plusSeconds(3));
        records.put(v);
        assertThat(records.get("j", "v1")).contains(v);
        assertThat(records.get("j", "nope")).isEmpty();
        assertThat(v.rowsPerSecond()).isEqualTo(1000 / 3.0);
    }

    @Test
    void theNewestAreKeptAndRetentionDropsThoseThatEndedBeforeItsLimit() {
        var records = new ValidationRecords(store);
        for (int i = 0; i < ValidationRecords.KEEP + 5; i++) {
            records.prune("j");
            records.put(validation("v" + i, T0.plusSeconds(i), T0.plusSeconds(i + 1)));
        }
        List<Validation> kept = records.list("j");
        assertThat(kept).hasSize(ValidationRecords.KEEP);
        assertThat(kept.getFirst().id()).isEqualTo("v" + (ValidationRecords.KEEP + 4));

        records.put(validation("running", T0, null));
        int dropped = records.pruneBefore("j", T0.plusSeconds(20));
        assertThat(dropped).isEqualTo(14); // v5..v18 ended before T0+20s
        assertThat(records.list("j")).extracting(Validation::id).contains("running", "v19", "v24").doesNotContain("v18");
    }
}
