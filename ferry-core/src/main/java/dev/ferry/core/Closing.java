package dev.ferry.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes what is being let go when a failure to close changes nothing: a session abandoned after a failure, a
 * watcher's connection at its end. The server ends a session it loses anyway. Stateless.
 */
public final class Closing {
    private static final Logger log = LoggerFactory.getLogger(Closing.class);

    private Closing() {}

    /** Closes {@code resource} (nothing when null); a failure is logged at debug level, naming {@code what}. */
    public static void quietly(AutoCloseable resource, String what) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.atDebug().addKeyValue("error", e.getMessage()).log("closing " + what + " failed");
        }
    }
}
