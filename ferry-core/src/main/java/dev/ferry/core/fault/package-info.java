/** Failure classification, retry pacing and the job's fault budget, shared by every engine and phase. */
package dev.ferry.core.fault;
