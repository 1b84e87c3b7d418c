/** Migration jobs: their use cases and the one table of which verb is legal in which state. */
package dev.ferry.control.job;
