/** What the local provisioner remembers about each instance, and the contract each engine's server driver fulfils. */
package dev.ferry.provisioner.local.instance;
