package dev.ferry.engine.mysql.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

class KeyRangeProperties {
    private static final ChunkKey TWO_COLUMNS = new ChunkKey(List.of(new ChunkKey.Column("a", KeyType.BINARY),
            new ChunkKey.Column("b", KeyType.TEXT)));

    @Property
    void anyBoundsComeBackFromTheirIdByteForByte(@ForAll byte[] a, @ForAll byte[] b, @ForAll @Size(max = 3) byte[] c,
            @ForAll boolean lowerOpen) {
        KeyRange range = new KeyRange(lowerOpen ? null : List.of(a, b), List.of(c, a));

        KeyRange back = KeyRange.parse(range.id(), TWO_COLUMNS);

        assertThat(back.id()).isEqualTo(range.id());
        if (!lowerOpen) {
            assertThat(Arrays.equals(back.lower().get(0), a) && Arrays.equals(back.lower().get(1), b)).isTrue();
        }
        assertThat(Arrays.equals(back.upper().get(0), c)).isTrue();
    }
}
