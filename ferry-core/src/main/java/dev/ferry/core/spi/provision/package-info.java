/** The provisioner SPI: create, start, stop, report and delete database instances from a managed-instance spec. */
package dev.ferry.core.spi.provision;
