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

    /**
     * A connection string without password: {@code postgresql://postgres@127.0.0.1:5433/postgres} (the maintenance
     * database when {@code database} is null) or {@code mysql://root@127.0.0.1:3307/}.
     */
    public static String url(String engine, String host, int port, String username, String database) {
        String user = java.net.URLEncoder.encode(username, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
        String at = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        if ("postgresql".equals(engine)) {
            return "postgresql://%s@%s:%d/%s".formatted(user, at, port, database == null ? "postgres" : database);
        }
        return "mysql://%s@%s:%d/%s".formatted(user, at, port, database == null ? "" : database);
    }
}
