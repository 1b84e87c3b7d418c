package dev.ferry.engine.mysql.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class ExactCellsTest {

    @Test
    void negativeFractionalTimeIsReadWithItsReversedFraction() {
        assertThat(ExactCells.time2(bytes(0x7F, 0xFF, 0xFF, 0xFF), 2)).isEqualTo("-00:00:00.01");
        assertThat(ExactCells.time2(bytes(0x7F, 0xFF, 0xFF, 0x9D), 2)).isEqualTo("-00:00:00.99");
        assertThat(ExactCells.time2(bytes(0x7F, 0xFF, 0xFE, 0xF6), 2)).isEqualTo("-00:00:01.10");
        assertThat(ExactCells.time2(bytes(0x7F, 0xFF, 0xFF, 0x00), 2)).isEqualTo("-00:00:01.00");
    }

    @Test
    void timeWithMicrosecondsRoundTripsThroughTheSixBytePackedForm() {
        long hms = (12L << 12) | (34 << 6) | 56;
        long packed = -((hms << 24) + 789_012);
        assertThat(ExactCells.time2(bigEndian(packed + 0x800000000000L, 6), 6)).isEqualTo("-12:34:56.789012");
        assertThat(ExactCells.time2(bigEndian((hms << 24) + 789_012 + 0x800000000000L, 6), 6)).isEqualTo("12:34:56.789012");
        long extreme = (838L << 12) | (59 << 6) | 59;
        assertThat(ExactCells.time2(bigEndian(0x800000L - extreme, 3), 0)).isEqualTo("-838:59:59");
    }

    @Test
    void datetimeKeepsZeroDatesAndEveryFractionalDigit() {
        long ymd = ((2024L * 13 + 2) << 5) | 29;
        long hms = (23L << 12) | (59 << 6) | 59;
        byte[] b = concat(bigEndian(((ymd << 17) | hms) + 0x8000000000L, 5), bigEndian(999_999, 3));
        assertThat(ExactCells.datetime2(b, 6)).isEqualTo("2024-02-29 23:59:59.999999");
        assertThat(ExactCells.datetime2(bigEndian(0x8000000000L, 5), 0)).isEqualTo("0000-00-00 00:00:00");
        long partial = ((2020L * 13) << 5) | 15;
        assertThat(ExactCells.datetime2(concat(bigEndian((partial << 17) + 0x8000000000L, 5), bytes(0x00)), 1))
                .isEqualTo("2020-00-15 00:00:00.0");
    }

    @Test
    void datesKeepZeroMonthsAndDays() {
        assertThat(ExactCells.date((2020 << 9) | 15)).isEqualTo("2020-00-15");
        assertThat(ExactCells.date(0)).isEqualTo("0000-00-00");
        assertThat(ExactCells.date((1999 << 9) | (12 << 5) | 31)).isEqualTo("1999-12-31");
    }

    @Test
    void timestampsArePrintedInUtcAndZeroStaysZero() {
        assertThat(ExactCells.timestamp2(bytes(0, 0, 0, 0), 0)).isEqualTo("0000-00-00 00:00:00");
        assertThat(ExactCells.timestamp2(bytes(0, 0, 0, 1, 0x07, 0xA1, 0x9F), 6)).isEqualTo("1970-01-01 00:00:01.500127");
        assertThat(ExactCells.timestamp2(concat(bigEndian(2_147_483_647L, 4), bytes(0x63)), 2)).isEqualTo("2038-01-19 03:14:07.99");
    }

    @Test
    void oldTemporalFormatsAreRead() {
        assertThat(ExactCells.oldTime(0xFFFFFF & -8385959)).isEqualTo("-838:59:59");
        assertThat(ExactCells.oldTime(123456)).isEqualTo("12:34:56");
        assertThat(ExactCells.oldDatetime(20240229235959L)).isEqualTo("2024-02-29 23:59:59");
    }

    @Test
    void yearZeroStaysZeroAndBitsAreUnsigned() {
        assertThat(ExactCells.year(0)).isZero();
        assertThat(ExactCells.year(124)).isEqualTo(2024);
        assertThat(ExactCells.bit(bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF)))
                .isEqualTo(new BigDecimal("18446744073709551615"));
        assertThat(ExactCells.bit(bytes(0x02, 0xAA))).isEqualTo(new BigDecimal(682));
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static byte[] bigEndian(long value, int length) {
        byte[] b = new byte[length];
        for (int i = length - 1; i >= 0; i--) {
            b[i] = (byte) value;
            value >>= 8;
        }
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
