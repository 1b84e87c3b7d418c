package dev.ferry.engine.postgres.snapshot;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.engine.postgres.catalog.IndexDef;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import dev.ferry.engine.postgres.index.IndexBuilder;
import dev.ferry.engine.postgres.index.IndexStatements;
import dev.ferry.engine.postgres.schema.DumpOptions;
import dev.ferry.engine.postgres.schema.PgTools;
import dev.ferry.engine.postgres.schema.PostDataCopier;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The post-data schema around the indexes built with the data: builds any of them still missing on the
 * destination (a table whose copy was skipped), then applies, in one transaction, the attachment of
 * their primary keys and unique constraints ({@code USING INDEX}), their clustering, statistics and
 * replica identity, and every other post-data entry (foreign keys, triggers, rules, policies,
 * partitioned-table indexes, exclusion constraints, ...).
 */
final class PostDataStep {
    private final IndexPlan plan;
    private final IndexBuilder builder;
    private final int parallelism;

    PostDataStep(IndexPlan plan, IndexBuilder builder, int parallelism) {
        this.plan = plan;
        this.builder = builder;
        this.parallelism = parallelism;
    }

    void run(PgTools tools, DumpOptions options, DatabaseConnection source, DatabaseConnection destination) {
        List<IndexDef> all = plan.all();
        Set<List<String>> indexes;
        Set<List<String>> constraints;
        try (Connection d = PgConnector.open(destination)) {
            indexes = names(d, "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c "
                    + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'i'");
            constraints = names(d, "SELECT n.nspname, t.relname, k.conname "
                    + "FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class t ON t.oid = k.conrelid "
                    + "JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace");
            List<IndexDef> missing = all.stream()
                    .filter(i -> !indexes.contains(List.of(i.table().schema(), i.name()))).toList();
            builder.build(missing, d, parallelism);
        } catch (SQLException e) {
            throw PgErrors.translate(e, destination, "looking up the indexes already built");
        }
        List<String> prelude = new ArrayList<>();
        Set<Long> indexOids = new HashSet<>();
        Set<Long> constraintOids = new HashSet<>();
        for (IndexDef index : all) {
            indexOids.add(index.oid());
            if (index.constraint() != null) {
                constraintOids.add(index.constraint().oid());
                if (!constraints.contains(List.of(index.table().schema(), index.table().table(),
                        index.constraint().name()))) {
                    prelude.add(IndexStatements.attachConstraint(index));
                }
            }
        }
        all.forEach(index -> prelude.addAll(IndexStatements.finishing(index)));
        new PostDataCopier(tools).copy(options, new PostDataCopier.Exclusions(indexOids, constraintOids, prelude),
                source, destination);
    }

    /** Each row's columns, as a list of names. */
    private static Set<List<String>> names(Connection c, String sql) throws SQLException {
        Set<List<String>> names = new HashSet<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(rs.getString(i));
                }
                names.add(List.copyOf(row));
            }
        }
        return names;
    }
}
