package dev.ferry.core.spi.validate;

/** What a range holds: its row count and an order-independent hash of its rows (text, compared for equality). */
public record ChunkHash(long rows, String hash) {}
