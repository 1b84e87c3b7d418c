/** {@code ferry nodes}: the Ferry servers sharing one store. */
package dev.ferry.cli.node;
