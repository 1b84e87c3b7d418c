/** The operation resource: how a mutating call ended, with the resource it produced. */
package dev.ferry.server.operation;
