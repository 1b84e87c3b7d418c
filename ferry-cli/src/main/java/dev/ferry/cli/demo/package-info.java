/** The {@code ferry demo} command: a sample source instance migrated to a new instance, in this process. */
package dev.ferry.cli.demo;
