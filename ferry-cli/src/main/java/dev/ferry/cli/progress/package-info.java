/** The live progress line of a running migration, shared by migrate, demo and start --wait. */
package dev.ferry.cli.progress;
