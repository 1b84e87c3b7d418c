/** {@code ferry source-limits}: caps on the connections Ferry holds to each source server, across every node. */
package dev.ferry.cli.source;
