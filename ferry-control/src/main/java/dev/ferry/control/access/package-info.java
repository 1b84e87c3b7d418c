/** Who may call the control plane: API tokens and their roles, the caller of each call, and the key of secrets at rest. */
package dev.ferry.control.access;
