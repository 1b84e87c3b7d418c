package dev.ferry.control.runner;

import dev.ferry.core.model.TableRef;

/** Row counts of one migrated table on both sides, read now. */
public record TableComparison(String database, TableRef table, long sourceRows, long destinationRows, boolean matches) {}
