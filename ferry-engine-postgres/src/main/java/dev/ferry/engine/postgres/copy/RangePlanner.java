package dev.ferry.engine.postgres.copy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a table into ranges of about equal size for parallel COPY: equal-width ranges of an integer
 * key between its minimum and maximum, or equal runs of heap blocks. The first range is open below and
 * the last open above, so together the ranges cover every row whatever the bounds read. Pure.
 */
public final class RangePlanner {
    /** No table is cut into more pieces than this, however large. */
    public static final int MAX_PARTS = 1024;

    private RangePlanner() {}

    /** How many ranges a table of {@code bytes} gets with ranges of about {@code splitBytes}: at least 2, at most {@link #MAX_PARTS}. */
    public static int parts(long bytes, long splitBytes, int atLeast) {
        if (splitBytes <= 0) {
            throw new IllegalArgumentException("split size must be positive: " + splitBytes);
        }
        long parts = bytes / splitBytes + (bytes % splitBytes == 0 ? 0 : 1);
        return (int) Math.max(Math.max(2, atLeast), Math.min(parts, MAX_PARTS));
    }

    /** Up to {@code parts} ranges of {@code column} covering {@code [min, max]} (and beyond), in key order. */
    public static List<CopyRange> keyRanges(String column, long min, long max, int parts) {
        if (min > max) {
            throw new IllegalArgumentException("min " + min + " is above max " + max);
        }
        List<Long> bounds = bounds(BigInteger.valueOf(min), BigInteger.valueOf(max).add(BigInteger.ONE), parts);
        List<CopyRange> ranges = new ArrayList<>();
        for (int i = 0; i <= bounds.size(); i++) {
            ranges.add(new CopyRange.KeyRange(column, i == 0 ? null : bounds.get(i - 1),
                    i == bounds.size() ? null : bounds.get(i)));
        }
        return ranges;
    }

    /** Up to {@code parts} ranges of heap blocks covering {@code [0, blocks)} (and beyond), in block order. */
    public static List<CopyRange> blockRanges(long blocks, int parts) {
        if (blocks < 0) {
            throw new IllegalArgumentException("negative block count " + blocks);
        }
        List<Long> bounds = bounds(BigInteger.ZERO, BigInteger.valueOf(blocks), parts);
        List<CopyRange> ranges = new ArrayList<>();
        for (int i = 0; i <= bounds.size(); i++) {
            ranges.add(new CopyRange.BlockRange(i == 0 ? null : bounds.get(i - 1),
                    i == bounds.size() ? null : bounds.get(i)));
        }
        return ranges;
    }

    /** The distinct inner cut points splitting {@code [from, to)} into {@code parts} equal pieces, ascending. */
    private static List<Long> bounds(BigInteger from, BigInteger to, int parts) {
        if (parts < 1) {
            throw new IllegalArgumentException("parts must be positive: " + parts);
        }
        BigInteger span = to.subtract(from);
        List<Long> bounds = new ArrayList<>();
        for (int i = 1; i < parts; i++) {
            long cut = from.add(span.multiply(BigInteger.valueOf(i)).divide(BigInteger.valueOf(parts))).longValueExact();
            boolean inside = BigInteger.valueOf(cut).compareTo(from) > 0;
            if (inside && (bounds.isEmpty() || bounds.getLast() < cut)) {
                bounds.add(cut);
            }
        }
        return bounds;
    }
}
