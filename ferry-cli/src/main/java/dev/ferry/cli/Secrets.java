package dev.ferry.cli;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads passwords from where the user put them (an environment variable or a file), never from the command line. */
public final class Secrets {
    private Secrets() {}

    /** The value of environment variable {@code name}; null when {@code name} is null. */
    public static Secret fromEnv(String name, String option) {
        return fromEnv(name, option, System.getenv());
    }

    /** The value of {@code name} in {@code env}; refused when it is not set or empty (an empty password is a mistake). */
    static Secret fromEnv(String name, String option, java.util.Map<String, String> env) {
        if (name == null) {
            return null;
        }
        String value = env.get(name);
        if (value == null) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "%s names environment variable %s, which is not set; export it first".formatted(option, name));
        }
        if (value.isEmpty()) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "%s names environment variable %s, which is empty; set it to the password (export %s=...)"
                            .formatted(option, name, name));
        }
        return new Secret(value);
    }

    /** The first line of {@code file}; null when {@code file} is null. */
    public static Secret fromFile(Path file, String option) {
        if (file == null) {
            return null;
        }
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int newline = text.indexOf('\n');
            String first = newline >= 0 ? text.substring(0, newline) : text;
            String password = first.endsWith("\r") ? first.substring(0, first.length() - 1) : first;
            if (password.isEmpty()) {
                throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                        "%s: the first line of %s is empty; write the password on it".formatted(option, file));
            }
            return new Secret(password);
        } catch (IOException e) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "%s: cannot read %s; check the path and its permissions".formatted(option, file), e);
        }
    }
}
