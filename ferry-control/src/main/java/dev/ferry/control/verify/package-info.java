/** Checks run before a job starts, answered as findings with a code, a severity and a remedy. */
package dev.ferry.control.verify;
