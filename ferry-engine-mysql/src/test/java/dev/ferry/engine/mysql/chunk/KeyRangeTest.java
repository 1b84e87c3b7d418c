package dev.ferry.engine.mysql.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyRangeTest {
    private static final ChunkKey ID = new ChunkKey(List.of(new ChunkKey.Column("id", KeyType.INTEGER)));
    private static final ChunkKey NAME_AND_BLOB = new ChunkKey(List.of(new ChunkKey.Column("name", KeyType.TEXT),
            new ChunkKey.Column("b", KeyType.BINARY)));

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theWholeTableIsStarToStarWhateverTheKey() {
        assertThat(KeyRange.ALL.id()).isEqualTo("[*,*)");
        assertThat(KeyRange.parse("[*,*)", ChunkKey.NONE)).isEqualTo(KeyRange.ALL);
        assertThat(KeyRange.parse("[*,*)", NAME_AND_BLOB).isAll()).isTrue();
    }

    @Test
    void integerBoundsAreWrittenAsPlainNumbers() {
        KeyRange range = new KeyRange(List.of(ascii("-1000")), List.of(ascii("18446744073709551615")));

        assertThat(range.id()).isEqualTo("[-1000,18446744073709551615)");
        assertThat(KeyRange.parse(range.id(), ID)).isEqualTo(range);
        assertThat(new KeyRange(null, List.of(ascii("5"))).id()).isEqualTo("[*,5)");
    }

    @Test
    void textIsQuotedWhenPrintableAndHexOtherwiseAndRoundTrips() {
        KeyRange range = new KeyRange(List.of(ascii("it's, a|b)"), new byte[] {0, (byte) 0xff}),
                List.of(ascii("ü😀"), ascii("")));

        assertThat(range.id()).isEqualTo("['it''s, a|b)'|x00ff,xc3bcf09f9880|'')");
        KeyRange back = KeyRange.parse(range.id(), NAME_AND_BLOB);
        assertThat(back).isEqualTo(range);
        assertThat(new String(back.lower().getFirst(), StandardCharsets.UTF_8)).isEqualTo("it's, a|b)");
        assertThat(new String(back.upper().getFirst(), StandardCharsets.UTF_8)).isEqualTo("ü😀");
    }

    @Test
    void refusesIdsThatDoNotFitTheKey() {
        assertThatThrownBy(() -> KeyRange.parse("[1|2,*)", ID)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more values");
        assertThatThrownBy(() -> KeyRange.parse("['a',*)", NAME_AND_BLOB)).hasMessageContaining("fewer values");
        assertThatThrownBy(() -> KeyRange.parse("['abc',*)", ID)).hasMessageContaining("needs a number");
        assertThatThrownBy(() -> KeyRange.parse("[1,*)", ChunkKey.NONE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesMalformedIds() {
        for (String bad : List.of("", "[*,*]", "[*,*)x", "['open,*)", "[x0,*)", "[,*)", "*,*)")) {
            assertThatThrownBy(() -> KeyRange.parse(bad, ID)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
