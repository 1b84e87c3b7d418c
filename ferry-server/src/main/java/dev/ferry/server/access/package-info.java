/** Who may call the API and from where: TLS, bearer tokens and roles, and the checks that keep web pages out. */
package dev.ferry.server.access;
