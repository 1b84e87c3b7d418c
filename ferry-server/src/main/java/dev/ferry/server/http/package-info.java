/** HTTP plumbing shared by every resource: routing, request reading, JSON and error responses. */
package dev.ferry.server.http;
