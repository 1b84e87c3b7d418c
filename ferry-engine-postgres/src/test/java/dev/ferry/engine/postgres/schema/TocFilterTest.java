package dev.ferry.engine.postgres.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.engine.postgres.catalog.CatalogObject;
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
            "3230; 2606 16442 FK CONSTRAINT public c c_pid_fkey postgres",
            "3400; 6104 16500 PUBLICATION - ferry_job postgres");

    @Test
    void dropsTheEntriesOfTheGivenObjectsAndKeepsTheRestInOrder() {
        assertThat(TocFilter.without(LISTING, Set.of(new CatalogObject(1259, 16422), new CatalogObject(2606, 16419),
                new CatalogObject(6104, 16500)))).containsExactly(
                ";",
                "; Selected TOC Entries:",
                "3225; 2606 16441 CONSTRAINT public c c_r_excl postgres",
                "3383; 0 0 COMMENT public CONSTRAINT p_pkey ON p postgres",
                "3218; 1259 16433 INDEX public e_at postgres",
                "3228; 0 0 INDEX ATTACH public e1_at_idx postgres",
                "3230; 2606 16442 FK CONSTRAINT public c c_pid_fkey postgres");
    }

    @Test
    void anOidOfAnotherCatalogIsNotMistakenForTheObject() {
        assertThat(TocFilter.without(LISTING, Set.of(new CatalogObject(1259, 16441), new CatalogObject(2606, 16433))))
                .isEqualTo(LISTING);
    }
}
