package dev.ferry.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.progress.StatusLine;
import dev.ferry.core.FerryException;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * Waits for an operation to be done by polling {@code GET /v1/operations/ID}, showing its status with
 * a spinner on standard error.
 */
public final class OperationWaiter {
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
        JsonNode op = operation;
        if (op.path("done").asBoolean()) {
            return op;
        }
        StatusLine status = new StatusLine(err, terminal);
        try {
            while (!op.path("done").asBoolean()) {
                status.show(op.path("metadata").path("statusMessage").asText("working"));
                Thread.sleep(POLL.toMillis());
                op = client.get("/v1/operations/" + ApiClient.segment(op.path("name").asText()));
            }
        } finally {
            status.clear();
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
