package dev.ferry.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.core.FerryException;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * Waits for an operation to be done by polling {@code GET /v1/operations/ID}, showing a spinner and the
 * operation's status on standard error (a line per status change when stderr is not a terminal).
 */
public final class OperationWaiter {
    private static final char[] SPINNER = {'|', '/', '-', '\\'};
    private static final Duration POLL = Duration.ofMillis(500);

    private final ApiClient client;
    private final PrintWriter err;
    private final boolean terminal;

    public OperationWaiter(ApiClient client, PrintWriter err, boolean terminal) {
        this.client = client;
        this.err = err;
        this.terminal = terminal;
    }

    /**
     * The operation once done (returned as is when already done). A failed operation is returned
     * too; {@link #requireSuccess} turns it into its error.
     */
    public JsonNode await(JsonNode operation) throws InterruptedException {
        long started = System.nanoTime();
        String lastStatus = null;
        int width = 0;
        int tick = 0;
        JsonNode op = operation;
        while (!op.path("done").asBoolean()) {
            String status = op.path("metadata").path("statusMessage").asText("working");
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;
            if (terminal) {
                String line = "%c %s (%ds)".formatted(SPINNER[tick++ % SPINNER.length], status, seconds);
                err.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
                width = line.length();
                err.flush();
            } else if (!status.equals(lastStatus)) {
                err.println("... " + status);
                err.flush();
            }
            lastStatus = status;
            Thread.sleep(POLL.toMillis());
            op = client.get("/v1/operations/" + ApiClient.segment(op.path("name").asText()));
        }
        if (terminal && width > 0) {
            err.print("\r" + " ".repeat(width) + "\r");
            err.flush();
        }
        return op;
    }

    /** Throws the operation's error as a {@link FerryException} when it failed. */
    public static JsonNode requireSuccess(JsonNode operation) {
        JsonNode error = operation.path("error");
        if (!error.isMissingNode() && !error.isNull()) {
            throw new FerryException(ApiClient.errorCode(error.path("code").asText(null), 500),
                    error.path("message").asText("the operation failed"));
        }
        return operation;
    }
}
