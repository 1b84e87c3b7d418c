package dev.ferry.provisioner.local.postgres;

import dev.ferry.provisioner.local.process.Command;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** The locale new clusters use: C.UTF-8 where the C library has it, else C. */
final class Locales {
    private static volatile String chosen;

    private Locales() {}

    static String utf8OrC() {
        String locale = chosen;
        if (locale == null) {
            var result = Command.run("locale -a", List.of("locale", "-a"), null, Duration.ofSeconds(20));
            String all = result.output().toLowerCase(Locale.ROOT);
            locale = result.succeeded() && (all.contains("c.utf8") || all.contains("c.utf-8")) ? "C.UTF-8" : "C";
            chosen = locale;
        }
        return locale;
    }
}
