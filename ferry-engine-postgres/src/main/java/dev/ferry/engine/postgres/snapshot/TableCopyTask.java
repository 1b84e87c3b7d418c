package dev.ferry.engine.postgres.snapshot;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.CopyProgress;
import dev.ferry.core.spi.engine.CopyResult;
import dev.ferry.engine.postgres.catalog.BinaryFormatRule;
import dev.ferry.engine.postgres.catalog.PgType;
import dev.ferry.engine.postgres.catalog.TableCatalog;
import dev.ferry.engine.postgres.catalog.TableCatalog.Column;
import dev.ferry.engine.postgres.catalog.TypeCatalog;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import dev.ferry.engine.postgres.connect.SessionSettings;
import dev.ferry.engine.postgres.copy.CopyFormat;
import dev.ferry.engine.postgres.copy.TableCopier;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One table copy: a source connection importing the snapshot, a destination connection, and the format. */
final class TableCopyTask {
    private static final Logger log = LoggerFactory.getLogger(TableCopyTask.class);

    private final ExportedSnapshot snapshot;
    private final DatabaseConnection source;
    private final DatabaseConnection destination;
    private final int sourceMajor;
    private final Clock clock;

    TableCopyTask(ExportedSnapshot snapshot, DatabaseConnection source, DatabaseConnection destination, int sourceMajor,
            Clock clock) {
        this.snapshot = snapshot;
        this.source = source;
        this.destination = destination;
        this.sourceMajor = sourceMajor;
        this.clock = clock;
    }

    CopyResult copy(TableRef table, CopyProgress progress) {
        long started = clock.millis();
        try (Connection src = snapshot.openImporter(); Connection dst = PgConnector.open(destination)) {
            List<Column> columns;
            Map<Long, PgType> types;
            try {
                columns = TableCatalog.copyColumns(src, table).orElseThrow(() -> new FerryException(
                        ErrorCode.FAILED_PRECONDITION, "Table %s is not in the snapshot of database %s on %s:%d"
                                .formatted(table, source.database(), source.host(), source.port())));
                types = TypeCatalog.closure(src, columns.stream().map(Column::typeOid).distinct().toList());
            } catch (SQLException e) {
                throw PgErrors.translate(e, source, "reading the columns of " + table);
            }
            int destinationMajor;
            try {
                SessionSettings.applyPortable(dst);
                destinationMajor = dst.getMetaData().getDatabaseMajorVersion();
            } catch (SQLException e) {
                throw PgErrors.translate(e, destination, "preparing to load " + table);
            }
            CopyFormat format = chooseFormat(sourceMajor, destinationMajor, columns, types);
            CopyResult result = new TableCopier(new TableCopier.Side(src, source), new TableCopier.Side(dst, destination),
                    clock).copy(table, columns.stream().map(Column::name).toList(), format, progress);
            log.atInfo().addKeyValue("table", table).addKeyValue("rows", result.rows())
                    .addKeyValue("bytes", result.bytes()).addKeyValue("format", format.option())
                    .addKeyValue("ms", clock.millis() - started).log("table copied");
            return result;
        } catch (SQLException e) {
            // Only closing can get here; the copy itself has committed or failed already.
            throw PgErrors.translate(e, destination, "closing the connections of " + table);
        }
    }

    /** Binary between equal majors when every column type's binary form is portable; text otherwise. */
    static CopyFormat chooseFormat(int sourceMajor, int destinationMajor, List<Column> columns, Map<Long, PgType> types) {
        boolean portable = columns.stream().allMatch(c -> BinaryFormatRule.portable(c.typeOid(), types));
        return sourceMajor == destinationMajor && portable ? CopyFormat.BINARY : CopyFormat.TEXT;
    }
}
