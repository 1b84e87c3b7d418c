/** The engine SPI: everything database-specific, one implementation per database family, found by ServiceLoader. */
package dev.ferry.core.spi.engine;
