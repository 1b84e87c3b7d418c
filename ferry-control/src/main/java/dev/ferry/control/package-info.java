/** The control plane: the use cases behind the API, the CLI and the in-process migrate command. */
package dev.ferry.control;
