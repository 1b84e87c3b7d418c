package dev.ferry.provisioner.local.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Server processes found by pid, alive meaning running: a zombie waiting for its parent to reap it is dead. */
public final class Processes {
    private Processes() {}

    /** The live process with {@code pid} whose executable name ends with one of {@code names}. */
    public static Optional<ProcessHandle> running(long pid, String... names) {
        return ProcessHandle.of(pid)
                .filter(Processes::alive)
                .filter(p -> p.info().command().map(command -> endsWithAny(command, names)).orElse(true));
    }

    /** Whether {@code handle} is alive and not a zombie. */
    public static boolean alive(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(handle.pid()), "stat"), StandardCharsets.UTF_8);
            int afterName = stat.lastIndexOf(')');
            return afterName < 0 || afterName + 2 >= stat.length() || stat.charAt(afterName + 2) != 'Z';
        } catch (IOException e) {
            return handle.isAlive();
        }
    }

    private static boolean endsWithAny(String command, String... names) {
        for (String name : names) {
            if (command.endsWith(name)) {
                return true;
            }
        }
        return false;
    }
}
