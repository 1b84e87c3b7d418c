package dev.ferry.provisioner.local.process;

import java.util.List;

/** The exit code and merged output of a finished command. */
public record CommandResult(List<String> argv, int exitCode, String output) {
    public CommandResult {
        argv = List.copyOf(argv);
        output = output == null ? "" : output;
    }

    public boolean succeeded() {
        return exitCode == 0;
    }

    /** The last {@code lines} lines of the output, for error messages. */
    public String tail(int lines) {
        return LogTail.lastLines(output, lines);
    }
}
