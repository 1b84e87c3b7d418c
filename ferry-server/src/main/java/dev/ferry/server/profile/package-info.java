/** The connection profile resource: its routes and its JSON form. */
package dev.ferry.server.profile;
