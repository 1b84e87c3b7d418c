package dev.ferry.engine.mysql.cdc;

import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Decodes the binlog cells whose library decoding loses information, as the text the server itself prints,
 * so that writing the text back stores the same value: dates and times keep zero dates, zero months and
 * days, negative and fractional TIME, and every fractional digit; TIMESTAMP is printed in UTC (the applying
 * session's time zone); YEAR keeps 0000; BIT becomes its unsigned number. Pure, stateless.
 */
final class ExactCells {
    /** Returned for column types this class leaves to the library. */
    enum Marker { NOT_MINE }

    private static final long TIMEF_INT_OFS = 0x800000L;
    private static final long TIMEF_OFS = 0x800000000000L;
    private static final long DATETIMEF_INT_OFS = 0x8000000000L;

    private ExactCells() {}

    /** The value of a non-null cell of {@code type}, or {@link Marker#NOT_MINE}. */
    static Serializable read(ColumnType type, int meta, ByteArrayInputStream in) throws IOException {
        return switch (type) {
            case BIT -> bit(in.read(((meta >> 8) * 8 + (meta & 0xFF) + 7) / 8));
            case YEAR -> year(in.readInteger(1));
            case DATE -> date(in.readInteger(3));
            case TIME -> oldTime(in.readInteger(3));
            case TIME_V2 -> time2(in.read(3 + fractionBytes(meta)), meta);
            case DATETIME -> oldDatetime(in.readLong(8));
            case DATETIME_V2 -> datetime2(in.read(5 + fractionBytes(meta)), meta);
            case TIMESTAMP -> timestamp(in.readLong(4) & 0xFFFF_FFFFL, 0, 0);
            case TIMESTAMP_V2 -> timestamp2(in.read(4 + fractionBytes(meta)), meta);
            default -> Marker.NOT_MINE;
        };
    }

    static BigDecimal bit(byte[] bigEndian) {
        return new BigDecimal(new BigInteger(1, bigEndian));
    }

    /** YEAR is stored as years since 1900, with 0 for the year 0000. */
    static Integer year(int stored) {
        return stored == 0 ? 0 : 1900 + stored;
    }

    static String date(int packed) {
        return "%04d-%02d-%02d".formatted(packed >> 9, (packed >> 5) & 15, packed & 31);
    }

    /** The pre-5.6 TIME: a signed 3-byte integer HHMMSS. */
    static String oldTime(int unsigned24) {
        int value = (unsigned24 << 8) >> 8;
        int abs = Math.abs(value);
        return (value < 0 ? "-" : "") + "%02d:%02d:%02d".formatted(abs / 10000, abs / 100 % 100, abs % 100);
    }

    /** The pre-5.6 DATETIME: an 8-byte integer YYYYMMDDhhmmss. */
    static String oldDatetime(long value) {
        long date = value / 1_000_000;
        long time = value % 1_000_000;
        return "%04d-%02d-%02d %02d:%02d:%02d".formatted(date / 10000, date / 100 % 100, date % 100,
                time / 10000, time / 100 % 100, time % 100);
    }

    /** MySQL 5.6 TIME2, as {@code my_time_packed_from_binary} reads it (negative values store the fraction reversed). */
    static String time2(byte[] b, int dec) {
        long intpart = bigEndian(b, 0, 3) - TIMEF_INT_OFS;
        long packed;
        switch (dec) {
            case 1, 2 -> {
                long frac = b[3] & 0xFF;
                if (intpart < 0 && frac != 0) {
                    intpart++;
                    frac -= 0x100;
                }
                packed = (intpart << 24) + frac * 10_000;
            }
            case 3, 4 -> {
                long frac = bigEndian(b, 3, 2);
                if (intpart < 0 && frac != 0) {
                    intpart++;
                    frac -= 0x10000;
                }
                packed = (intpart << 24) + frac * 100;
            }
            case 5, 6 -> packed = bigEndian(b, 0, 6) - TIMEF_OFS;
            default -> packed = intpart << 24;
        }
        boolean negative = packed < 0;
        long abs = Math.abs(packed);
        long hms = abs >> 24;
        long micros = abs & 0xFFFFFF;
        return (negative ? "-" : "") + "%02d:%02d:%02d".formatted((hms >> 12) & 0x3FF, (hms >> 6) & 0x3F, hms & 0x3F)
                + fraction(micros, dec);
    }

    /** MySQL 5.6 DATETIME2, as {@code my_datetime_packed_from_binary} reads it. */
    static String datetime2(byte[] b, int dec) {
        long intpart = bigEndian(b, 0, 5) - DATETIMEF_INT_OFS;
        long frac = switch (dec) {
            case 1, 2 -> b[5] * 10_000L;
            case 3, 4 -> signedBigEndian(b, 5, 2) * 100;
            case 5, 6 -> signedBigEndian(b, 5, 3);
            default -> 0;
        };
        long packed = Math.abs((intpart << 24) + frac);
        long ymdhms = packed >> 24;
        long ymd = ymdhms >> 17;
        long ym = ymd >> 5;
        long hms = ymdhms % (1 << 17);
        return "%04d-%02d-%02d %02d:%02d:%02d".formatted(ym / 13, ym % 13, ymd % 32, hms >> 12, (hms >> 6) % 64, hms % 64)
                + fraction(packed % (1 << 24), dec);
    }

    static String timestamp2(byte[] b, int dec) {
        long seconds = bigEndian(b, 0, 4);
        long micros = switch (dec) {
            case 1, 2 -> (b[4] & 0xFF) * 10_000L;
            case 3, 4 -> signedBigEndian(b, 4, 2) * 100;
            case 5, 6 -> signedBigEndian(b, 4, 3);
            default -> 0;
        };
        return timestamp(seconds, micros, dec);
    }

    /** Seconds since the epoch in UTC; 0 is the zero timestamp. */
    static String timestamp(long seconds, long micros, int dec) {
        if (seconds == 0 && micros == 0) {
            return "0000-00-00 00:00:00" + fraction(0, dec);
        }
        LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
        return "%04d-%02d-%02d %02d:%02d:%02d".formatted(t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour(),
                t.getMinute(), t.getSecond()) + fraction(micros, dec);
    }

    static int fractionBytes(int dec) {
        return (dec + 1) / 2;
    }

    private static String fraction(long micros, int dec) {
        if (dec <= 0) {
            return "";
        }
        return "." + "%06d".formatted(micros).substring(0, Math.min(dec, 6));
    }

    private static long bigEndian(byte[] b, int offset, int length) {
        long v = 0;
        for (int i = offset; i < offset + length; i++) {
            v = (v << 8) | (b[i] & 0xFF);
        }
        return v;
    }

    private static long signedBigEndian(byte[] b, int offset, int length) {
        long v = bigEndian(b, offset, length);
        int shift = 64 - 8 * length;
        return (v << shift) >> shift;
    }
}
