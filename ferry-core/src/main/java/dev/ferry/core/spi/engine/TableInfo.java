package dev.ferry.core.spi.engine;

import dev.ferry.core.model.TableRef;

/** A source table as the snapshot sees it, with the statistics' estimates (may be 0 when unknown). */
public record TableInfo(TableRef ref, long estimatedRows, long estimatedBytes, boolean hasPrimaryKey) {}
