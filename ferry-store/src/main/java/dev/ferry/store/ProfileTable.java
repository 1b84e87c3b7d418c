package dev.ferry.store;

import dev.ferry.core.model.ConnectionProfile;
import dev.ferry.core.model.ProfileState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Rows of {@code connection_profiles}; the spec is JSON with its secrets sealed. */
final class ProfileTable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ProfileTable.class);
    static final String KIND = "Connection profile";
    private static final String COLUMNS =
            "name, display_name, labels, state, engine, spec_kind, spec, error, create_time, update_time";

    private final SpecCodec specs;

    ProfileTable(SpecCodec specs) {
        this.specs = specs;
    }

    void insert(Connection c, ConnectionProfile p) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO connection_profiles (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, p.name());
            bindFrom(s, 2, p);
            s.executeUpdate();
        } catch (SQLException e) {
            if (StoreErrors.isUniqueViolation(e)) {
                throw StoreErrors.alreadyExists(KIND, p.name(), e);
            }
            throw e;
        }
    }

    void update(Connection c, ConnectionProfile p) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE connection_profiles SET display_name = ?, labels = ?, "
                + "state = ?, engine = ?, spec_kind = ?, spec = ?, error = ?, create_time = ?, update_time = ? "
                + "WHERE name = ?")) {
            bindFrom(s, 1, p);
            s.setString(10, p.name());
            StoreErrors.requireOneRow(s.executeUpdate(), KIND, p.name());
        }
    }

    Optional<ConnectionProfile> find(Connection c, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM connection_profiles WHERE name = ?")) {
            s.setString(1, name);
            try (ResultSet rows = s.executeQuery()) {
                return rows.next() ? Optional.of(read(rows)) : Optional.empty();
            }
        }
    }

    List<ConnectionProfile> list(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM connection_profiles");
                ResultSet rows = s.executeQuery()) {
            List<ConnectionProfile> profiles = new ArrayList<>();
            while (rows.next()) {
                profiles.add(read(rows));
            }
            // Sorted here, not by ORDER BY: H2 and PostgreSQL collations order text differently.
            profiles.sort(Comparator.comparing(ConnectionProfile::name));
            return profiles;
        }
    }

    void delete(Connection c, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM connection_profiles WHERE name = ?")) {
            s.setString(1, name);
            StoreErrors.requireOneRow(s.executeUpdate(), KIND, name);
        }
    }

    /**
     * Seals again, with the active key and bound to their profile, every secret in the first format, and
     * with {@code allKeys} also every secret under another key; returns how many stale profiles it
     * resealed or could not read (a row changed meanwhile by another writer is left to the next pass).
     * With {@code skipUnreadable}, a profile whose secrets cannot be opened is left as it is, for its
     * reads to report; otherwise the failure propagates. Only the spec column is written.
     */
    int reseal(Connection c, boolean allKeys, boolean skipUnreadable) throws SQLException {
        List<String[]> stale = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT name, spec FROM connection_profiles");
                ResultSet rows = s.executeQuery()) {
            while (rows.next()) {
                String name = rows.getString("name");
                String spec = rows.getString("spec");
                if (specs.needsResealing(spec, name, !allKeys)) {
                    stale.add(new String[] {name, spec});
                }
            }
        }
        int resealed = 0;
        for (String[] row : stale) {
            String resealedSpec;
            try {
                resealedSpec = specs.write(specs.readForUpgrade(row[1], row[0]), row[0]);
            } catch (dev.ferry.core.FerryException e) {
                if (!skipUnreadable) {
                    throw e;
                }
                log.atWarn().addKeyValue("profile", row[0]).setCause(e)
                        .log("a stored secret cannot be opened to seal it again; the profile fails until its password is entered again");
                continue;
            }
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE connection_profiles SET spec = ? WHERE name = ? AND spec = ?")) {
                s.setString(1, resealedSpec);
                s.setString(2, row[0]);
                s.setString(3, row[1]);
                s.executeUpdate();
            }
            resealed++;
        }
        return resealed;
    }

    /** Binds every column but the name, in {@link #COLUMNS} order, from parameter {@code first}. */
    private void bindFrom(PreparedStatement s, int first, ConnectionProfile p) throws SQLException {
        int i = first;
        s.setString(i++, p.displayName());
        s.setString(i++, JsonColumns.labels(p.labels()));
        Columns.setEnum(s, i++, p.state());
        Columns.setEnum(s, i++, p.engine());
        s.setString(i++, SpecCodec.kind(p.spec()));
        s.setString(i++, specs.write(p.spec(), p.name()));
        s.setString(i++, p.error());
        Columns.setTime(s, i++, p.createTime());
        Columns.setTime(s, i, p.updateTime());
    }

    private ConnectionProfile read(ResultSet rows) throws SQLException {
        String name = rows.getString("name");
        String owner = "connection profile " + name;
        return new ConnectionProfile(name, rows.getString("display_name"),
                JsonColumns.labels(rows.getString("labels"), owner),
                Columns.enumValue(rows, "state", ProfileState.class),
                specs.read(rows.getString("spec"), name), rows.getString("error"),
                Columns.time(rows, "create_time"), Columns.time(rows, "update_time"));
    }
}
