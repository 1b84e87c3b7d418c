/** The nodes (Ferry servers) sharing one store, and which of them runs each job: the operations view. */
package dev.ferry.control.node;
