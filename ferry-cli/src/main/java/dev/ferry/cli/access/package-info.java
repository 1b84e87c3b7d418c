/** Commands that manage who may call the server (API tokens) and the key of secrets at rest. */
package dev.ferry.cli.access;
