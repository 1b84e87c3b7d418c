package dev.ferry.server.job;

import dev.ferry.control.validate.ValidationService;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.Validation;
import dev.ferry.core.model.ValidationMode;
import dev.ferry.server.http.Request;
import dev.ferry.server.http.Response;
import dev.ferry.server.http.Router;
import dev.ferry.server.http.Times;
import dev.ferry.server.operation.OperationJson;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Validation of a job: {@code POST /v1/migrationJobs/NAME:validate} starts one (an operation), and
 * {@code GET …/validations} and {@code GET …/validations/ID} answer them, with per-table status and progress while
 * one runs.
 */
public final class ValidationRoutes {
    private static final String ITEM = "/v1/migrationJobs/{name}";

    private final ValidationService validations;

    private ValidationRoutes(ValidationService validations) {
        this.validations = validations;
    }

    /** Body of {@code :validate}; every field optional. {@code mode}: data, schema or full (default). */
    public record ValidateJson(String mode, String tables) {}

    public static void register(Router router, ValidationService validations) {
        var routes = new ValidationRoutes(validations);
        router.add("POST", ITEM + ":validate", routes::validate)
                .add("GET", ITEM + "/validations", routes::list)
                .add("GET", ITEM + "/validations/{id}", routes::get);
    }

    private Response validate(Request request) {
        String name = request.pathParam("name");
        ValidateJson body = request.optionalBody(ValidateJson.class);
        ValidationMode mode = body == null ? null : ValidationMode.parse("mode", body.mode());
        if (mode == ValidationMode.NONE) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "mode none validates nothing; use data, schema or full");
        }
        var op = validations.validate(name, new ValidationService.Request(mode, body == null ? null : body.tables()),
                request.query("requestId"));
        return Response.ok(OperationJson.of(op, () -> validations.list(name).stream()
                .filter(v -> op.name().equals(v.operation())).findFirst().map(ValidationRoutes::json).orElse(null)));
    }

    private Response list(Request request) {
        return Response.ok(Map.of("validations", validations.list(request.pathParam("name")).stream()
                .map(ValidationRoutes::json).toList()));
    }

    private Response get(Request request) {
        return Response.ok(json(validations.get(request.pathParam("name"), request.pathParam("id"))));
    }

    /** A validation as the API shows it. */
    public record ValidationJson(String id, String job, String operation, String mode, String tables, String status,
            String message, String startTime, String endTime, long rows, long sourceBytes, long destinationBytes,
            long dataMillis, long rowsPerSecond, List<TableJson> tableResults, List<ProgressJson.FindingJson> schemaFindings) {}

    /** One table: {@code name} is {@code database.schema.table} (or {@code database.table}). */
    public record TableJson(String name, String status, int chunks, int chunksDone, long rows,
            List<DifferenceJson> differences, long moreDifferences, String note) {}

    /** A differing row: MISSING on the destination, EXTRA there, or DIFFERENT values; key as column=value. */
    public record DifferenceJson(String kind, List<String> key, long count) {}

    static ValidationJson json(Validation v) {
        return new ValidationJson(v.id(), v.job(), v.operation(), v.mode().name().toLowerCase(Locale.ROOT), v.tables(),
                v.status().name(), v.message(), Times.instant(v.startTime()), Times.instant(v.endTime()), v.rows(),
                v.sourceBytes(), v.destinationBytes(), v.dataMillis(), Math.round(v.rowsPerSecond()),
                v.tableResults().stream().map(t -> new TableJson(t.name(), t.status().name(), t.chunks(), t.chunksDone(),
                        t.rows(), t.differences().stream().map(d -> new DifferenceJson(d.kind().name(), d.key(), d.count()))
                                .toList(), t.moreDifferences(), t.note())).toList(),
                v.schemaFindings().stream().map(ProgressJson::finding).toList());
    }
}
