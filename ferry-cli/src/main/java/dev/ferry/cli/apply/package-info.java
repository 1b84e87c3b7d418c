/** Configuration as code: ferry apply and ferry export, and the YAML file they share. */
package dev.ferry.cli.apply;
