/** The job runner: phases, parallel copy scheduling and checkpoints, talking to databases only through the engine SPI. */
package dev.ferry.control.runner;
