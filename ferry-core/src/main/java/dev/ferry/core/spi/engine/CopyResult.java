package dev.ferry.core.spi.engine;

/** What a finished table copy moved: exact rows and bytes of data as transferred. */
public record CopyResult(long rows, long bytes) {}
