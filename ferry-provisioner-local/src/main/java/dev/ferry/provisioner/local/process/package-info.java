/** Running operating-system commands for the local provisioner: as which user, with what timeout, on which port. */
package dev.ferry.provisioner.local.process;
