/** The OpenAPI document that describes the REST API, and the route that serves it. */
package dev.ferry.server.openapi;
