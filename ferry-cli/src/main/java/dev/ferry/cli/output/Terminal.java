package dev.ferry.cli.output;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether standard error is an interactive terminal, so that a status line may be redrawn in place. */
public final class Terminal {
    private Terminal() {}

    public static boolean stderrIsTerminal() {
        if (System.getenv("FERRY_NO_TTY") != null) {
            return false;
        }
        Path fd2 = Path.of("/proc/self/fd/2");
        if (Files.exists(fd2)) {
            try {
                String target = Files.readSymbolicLink(fd2).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (IOException | UnsupportedOperationException e) {
                return System.console() != null;    // no /proc link to read: fall back to the JDK's view
            }
        }
        return System.console() != null;
    }
}
