/** {@code GET /v1/nodes}: the Ferry servers sharing the store and the jobs each runs. */
package dev.ferry.server.node;
