package dev.ferry.core.spi.engine;

import dev.ferry.core.model.EngineKind;

/**
 * What a server says about itself. {@code flavor} is {@code postgresql}, {@code mysql} or
 * {@code mariadb}; {@code major} is the major version as engines compare it (PostgreSQL 15 -> 15,
 * MariaDB 10.11 -> 1011, MySQL 8.0 -> 800); {@code version} is the short version text ("15.20").
 */
public record ServerInfo(EngineKind engine, String flavor, String version, int major, String versionText) {}
