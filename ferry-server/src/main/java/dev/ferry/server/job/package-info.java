/** The migration job resource: its routes, verbs, sub-resources and JSON forms. */
package dev.ferry.server.job;
