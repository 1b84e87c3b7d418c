package dev.ferry.engine.mysql.cdc;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The server id Ferry's binlog reader announces as a replica: derived from the job and database, so a
 * restarted reader replaces its predecessor's session on the source instead of running beside it, and two
 * databases of one job never evict each other. Kept clear of the small ids people give real servers.
 */
final class ServerIds {
    static final long LOWEST = 1L << 24;

    private ServerIds() {}

    static long of(String job, String database, long sourceServerId) {
        CRC32 crc = new CRC32();
        crc.update((job + "\u0000" + database).getBytes(StandardCharsets.UTF_8));
        long id = LOWEST + crc.getValue() % (0xFFFF_FFFFL - LOWEST);
        return id == sourceServerId ? id + 1 : id;
    }
}
