/** Which destination databases Ferry created (markers in Ferry's {@code ferry} database) and whether two connections reach one server. */
package dev.ferry.engine.mysql.ownership;
