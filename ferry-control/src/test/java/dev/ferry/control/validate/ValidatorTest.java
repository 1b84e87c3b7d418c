package dev.ferry.control.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.model.Finding;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.PerformanceConfig;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValidatorTest {
    private static MigrationJob job(Integer parallelism) {
        Instant now = Instant.parse("2026-12-03T10:00:00Z");
        return new MigrationJob("j", null, Map.of(), JobType.ONE_TIME, "s", "d", null, new PerformanceConfig(parallelism),
                JobState.COMPLETED, null, null, now, now, null, null);
    }

    @Test
    void sessionsAreTheJobsParallelismElseOneForTwoCores() {
        assertThat(Validator.sessions(job(3), 2)).isEqualTo(3);
        assertThat(Validator.sessions(job(null), 2)).isEqualTo(1);
        assertThat(Validator.sessions(job(null), 1)).isEqualTo(1);
        assertThat(Validator.sessions(job(null), 8)).isEqualTo(4);
        assertThat(Validator.sessions(job(64), 8)).isEqualTo(8);
    }

    @Test
    void sequencesThatDifferOrExistOnOneSideAreErrors() {
        var findings = Validator.sequenceFindings("shop", Map.of("sequence public.a", 10L, "sequence public.b", 5L,
                "sequence public.c", 1L), Map.of("sequence public.a", 10L, "sequence public.b", 7L, "sequence public.d", 3L));
        assertThat(findings).extracting(Finding::object)
                .containsExactly("sequence public.b", "sequence public.c", "sequence public.d");
        assertThat(findings.getFirst().message()).contains("at 5 on the source and 7 on the destination");
    }

    @Test
    void tablePatternsAreGlobsSeparatedByCommas() {
        var globs = ValidationService.globs("public.orders, shop.*,*.audit_?");
        assertThat(globs).hasSize(3);
        assertThat(globs.get(1).matcher("shop.customers").matches()).isTrue();
        assertThat(globs.get(2).matcher("sales.audit_1").matches()).isTrue();
        assertThat(globs.get(2).matcher("sales.audit_12").matches()).isFalse();
        assertThat(globs.getFirst().matcher("public.ordersX").matches()).isFalse();
        assertThatThrownBy(() -> ValidationService.globs(" , ")).hasMessageContaining("--tables");
    }

    @Test
    void rangesAreReadInOneGroupPerSessionAndOnlyContiguousRangesShareAGroup() {
        assertThat(Validator.groups(30, null, 1)).hasSize(1).first().satisfies(g -> assertThat(g).hasSize(30).startsWith(0).endsWith(29));
        assertThat(Validator.groups(30, null, 2)).extracting(g -> g.length).containsExactly(15, 15);
        assertThat(Validator.groups(7, null, 3)).extracting(g -> g.length).containsExactly(3, 3, 1);
        assertThat(Validator.groups(0, null, 2)).isEmpty();
        java.util.BitSet todo = new java.util.BitSet();
        todo.set(2, 5);
        todo.set(8);
        assertThat(Validator.groups(10, todo, 1)).containsExactly(new int[] {2, 3, 4}, new int[] {8});
        assertThat(Validator.groups(10, todo, 0)).as("no sessions counts as one").hasSize(2);
    }
}
