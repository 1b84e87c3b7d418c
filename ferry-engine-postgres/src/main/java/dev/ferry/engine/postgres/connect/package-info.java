/** Opening pgjdbc connections from a {@code DatabaseConnection} and turning driver failures into user-facing errors. */
package dev.ferry.engine.postgres.connect;
