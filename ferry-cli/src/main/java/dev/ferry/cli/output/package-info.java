/** Human output: aligned tables, units, output formats and terminal detection. */
package dev.ferry.cli.output;
