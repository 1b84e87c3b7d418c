package dev.ferry.engine.mysql.cdc;

import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.AnnotateRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.BinlogCheckpointEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import com.github.shyiko.mysql.binlog.event.deserialization.DeleteRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer.CompatibilityMode;
import com.github.shyiko.mysql.binlog.event.deserialization.EventHeaderV4Deserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.FormatDescriptionEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.GtidEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.GtidTaggedEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.MariadbGtidEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.MariadbGtidListEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.NullEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.RotateEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.TableMapEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.UpdateRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.WriteRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.XidEventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * The event deserializer of Ferry's binlog reader: the library's, with strings and binary strings kept as
 * bytes (no character set guessed) and the cells {@link ExactCells} decodes replaced. Events Ferry does not
 * read (statement-based helpers, for instance) are left undecoded.
 */
final class ExactRowsDeserializers {
    private ExactRowsDeserializers() {}

    static EventDeserializer create() {
        Map<Long, TableMapEventData> tableMaps = new HashMap<>();
        Map<EventType, EventDataDeserializer<?>> byType = new EnumMap<>(EventType.class);
        byType.put(EventType.FORMAT_DESCRIPTION, new FormatDescriptionEventDataDeserializer());
        byType.put(EventType.ROTATE, new RotateEventDataDeserializer());
        byType.put(EventType.QUERY, new ClientQueryDeserializer());
        byType.put(EventType.TABLE_MAP, new TableMapEventDataDeserializer());
        byType.put(EventType.XID, new XidEventDataDeserializer());
        byType.put(EventType.GTID, new GtidEventDataDeserializer());
        byType.put(EventType.GTID_TAGGED, new GtidTaggedEventDataDeserializer());
        byType.put(EventType.MARIADB_GTID, new MariadbGtidEventDataDeserializer());
        byType.put(EventType.MARIADB_GTID_LIST, new MariadbGtidListEventDataDeserializer());
        byType.put(EventType.ANNOTATE_ROWS, new AnnotateRowsEventDataDeserializer());
        byType.put(EventType.BINLOG_CHECKPOINT, new BinlogCheckpointEventDataDeserializer());
        byType.put(EventType.WRITE_ROWS, new Write(tableMaps));
        byType.put(EventType.UPDATE_ROWS, new Update(tableMaps));
        byType.put(EventType.DELETE_ROWS, new Delete(tableMaps));
        byType.put(EventType.EXT_WRITE_ROWS, new Write(tableMaps).setMayContainExtraInformation(true));
        byType.put(EventType.EXT_UPDATE_ROWS, new Update(tableMaps).setMayContainExtraInformation(true));
        byType.put(EventType.EXT_DELETE_ROWS, new Delete(tableMaps).setMayContainExtraInformation(true));
        @SuppressWarnings({"unchecked", "rawtypes"})
        Map<EventType, EventDataDeserializer> raw = (Map) byType;
        EventDeserializer deserializer = new EventDeserializer(new EventHeaderV4Deserializer(), new NullEventDataDeserializer(),
                raw, tableMaps);
        deserializer.setCompatibilityMode(CompatibilityMode.CHAR_AND_BINARY_AS_BYTE_ARRAY);
        return deserializer;
    }

    static final class Write extends WriteRowsEventDataDeserializer {
        Write(Map<Long, TableMapEventData> tableMaps) {
            super(tableMaps);
        }

        @Override
        protected Serializable deserializeCell(ColumnType type, int meta, int length, ByteArrayInputStream in) throws IOException {
            Serializable v = ExactCells.read(type, meta, in);
            return v != ExactCells.Marker.NOT_MINE ? v : super.deserializeCell(type, meta, length, in);
        }
    }

    static final class Update extends UpdateRowsEventDataDeserializer {
        Update(Map<Long, TableMapEventData> tableMaps) {
            super(tableMaps);
        }

        @Override
        protected Serializable deserializeCell(ColumnType type, int meta, int length, ByteArrayInputStream in) throws IOException {
            Serializable v = ExactCells.read(type, meta, in);
            return v != ExactCells.Marker.NOT_MINE ? v : super.deserializeCell(type, meta, length, in);
        }
    }

    static final class Delete extends DeleteRowsEventDataDeserializer {
        Delete(Map<Long, TableMapEventData> tableMaps) {
            super(tableMaps);
        }

        @Override
        protected Serializable deserializeCell(ColumnType type, int meta, int length, ByteArrayInputStream in) throws IOException {
            Serializable v = ExactCells.read(type, meta, in);
            return v != ExactCells.Marker.NOT_MINE ? v : super.deserializeCell(type, meta, length, in);
        }
    }
}
