package dev.ferry.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void alignsColumnsAndRightAlignsNumericOnes() {
        String text = Table.of("NAME", ">ROWS", "STATE")
                .row("orders", "1,200", "COPIED")
                .row("a", "7", null)
                .render();
        assertThat(text).isEqualTo("""
                NAME     ROWS  STATE
                orders  1,200  COPIED
                a           7  -
                """);
    }

    @Test
    void rendersOnlyTheHeaderWhenEmpty() {
        assertThat(Table.of("A", "B").render()).isEqualTo("A  B\n");
    }
}
