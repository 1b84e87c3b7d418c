package dev.ferry.engine.postgres.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TocFilterTest {
    private static final List<String> LISTING = List.of(
            ";",
            "; Selected TOC Entries:",
            "3225; 2606 16441 CONSTRAINT public c c_r_excl postgres",
            "3214; 2606 16419 CONSTRAINT public p p_pkey postgres",
            "3383; 0 0 COMMENT public CONSTRAINT p_pkey ON p postgres",
            "3215; 1259 16422 INDEX public p v postgres",
            "3218; 1259 16433 INDEX public e_at postgres",
            "3228; 0 0 INDEX ATTACH public e1_at_idx postgres",
            "3230; 2606 16442 FK CONSTRAINT public c c_pid_fkey postgres");

    @Test
    void dropsTheEntriesOfPrebuiltIndexesAndConstraintsByOidAndKeepsTheRestInOrder() {
        assertThat(TocFilter.without(LISTING, Set.of(16422L, 16419L), Set.of(16419L))).containsExactly(
                ";",
                "; Selected TOC Entries:",
                "3225; 2606 16441 CONSTRAINT public c c_r_excl postgres",
                "3383; 0 0 COMMENT public CONSTRAINT p_pkey ON p postgres",
                "3218; 1259 16433 INDEX public e_at postgres",
                "3228; 0 0 INDEX ATTACH public e1_at_idx postgres",
                "3230; 2606 16442 FK CONSTRAINT public c c_pid_fkey postgres");
    }

    @Test
    void anOidOfAnotherCatalogIsNotMistakenForAnIndex() {
        assertThat(TocFilter.without(LISTING, Set.of(16441L), Set.of(16433L))).isEqualTo(LISTING);
    }
}
