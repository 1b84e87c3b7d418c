package dev.ferry.cli.output;

/** The client command line that connects to a server, without its password. */
public final class ConnectHint {
    private ConnectHint() {}

    /** {@code psql -h H -p P -U U [-d DB]} or {@code mariadb -h H -P P -u U -p [DB]}. */
    public static String command(String engine, String host, int port, String username, String database) {
        if ("postgresql".equals(engine)) {
            return "psql -h %s -p %d -U %s%s".formatted(host, port, username, database == null ? "" : " -d " + database);
        }
        return "mariadb -h %s -P %d -u %s -p%s".formatted(host, port, username, database == null ? "" : " " + database);
    }
}
