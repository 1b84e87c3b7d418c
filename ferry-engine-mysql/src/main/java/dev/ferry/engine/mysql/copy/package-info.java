/** Row copy: a streaming SELECT encoded into LOAD DATA LOCAL INFILE input, with a batched INSERT fallback. */
package dev.ferry.engine.mysql.copy;
