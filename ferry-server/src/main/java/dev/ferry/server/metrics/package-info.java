/** Prometheus metrics of the jobs this server runs. */
package dev.ferry.server.metrics;
