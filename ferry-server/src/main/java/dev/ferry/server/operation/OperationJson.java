package dev.ferry.server.operation;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.Operation;
import dev.ferry.server.http.ErrorBody;
import dev.ferry.server.http.Times;
import java.util.function.Supplier;

/**
 * The JSON form of an operation: {@code {name, done, metadata, error, response}}. {@code response} is
 * the target resource as it is now, present only when the operation is done without error and its
 * target still exists.
 */
public record OperationJson(String name, boolean done, Metadata metadata, ErrorBody error, Object response) {

    public record Metadata(
            String verb, String target, String createTime, String endTime, String statusMessage, String requestId,
            String createdBy) {}

    /**
     * The answer for {@code op}; {@code resource} reads the target's JSON form and is called only when
     * the operation succeeded and did not delete it.
     */
    public static OperationJson of(Operation op, Supplier<Object> resource) {
        var metadata = new Metadata(op.verb(), op.target(), Times.instant(op.createTime()), Times.instant(op.endTime()),
                op.statusMessage(), op.requestId(), op.createdBy());
        var error = op.error() == null ? null : new ErrorBody(op.error().code().name(), op.error().message());
        Object response = null;
        if (op.done() && op.error() == null && !"delete".equals(op.verb())) {
            response = readOrNull(resource);
        }
        return new OperationJson(op.name(), op.done(), metadata, error, response);
    }

    private static Object readOrNull(Supplier<Object> resource) {
        try {
            return resource.get();
        } catch (FerryException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return null;    // deleted since: the operation stands, there is just nothing to show
            }
            throw e;
        }
    }
}
