/** The metadata store: profiles, jobs, job objects, operations, events and checkpoints, with secrets encrypted at rest. */
package dev.ferry.store;
