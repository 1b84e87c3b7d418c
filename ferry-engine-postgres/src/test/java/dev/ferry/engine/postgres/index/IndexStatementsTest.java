package dev.ferry.engine.postgres.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.model.TableRef;
import dev.ferry.engine.postgres.catalog.IndexDef;
import java.util.List;
import org.junit.jupiter.api.Test;

class IndexStatementsTest {
    private static final TableRef TABLE = new TableRef("Sales \"EU\"", "order items");

    private static IndexDef index(IndexDef.Constraint constraint, boolean clustered, boolean replicaIdentity,
            List<IndexDef.StatisticsTarget> statistics) {
        return new IndexDef(TABLE, 16500, "Items \"pk\"", "CREATE UNIQUE INDEX ...", constraint, null, clustered,
                replicaIdentity, statistics);
    }

    @Test
    void aPrimaryKeyIsAttachedToItsPrebuiltIndex() {
        var pk = index(new IndexDef.Constraint(16600, "Items \"pk\"", true, false, false), false, false, List.of());
        assertThat(IndexStatements.attachConstraint(pk)).isEqualTo("ALTER TABLE ONLY \"Sales \"\"EU\"\"\".\"order items\" "
                + "ADD CONSTRAINT \"Items \"\"pk\"\"\" PRIMARY KEY USING INDEX \"Items \"\"pk\"\"\"");
    }

    @Test
    void aDeferredUniqueConstraintKeepsItsTiming() {
        var unique = index(new IndexDef.Constraint(16600, "u", false, true, true), false, false, List.of());
        assertThat(IndexStatements.attachConstraint(unique))
                .endsWith(" ADD CONSTRAINT \"u\" UNIQUE USING INDEX \"Items \"\"pk\"\"\" DEFERRABLE INITIALLY DEFERRED");
        var immediate = index(new IndexDef.Constraint(16600, "u", false, true, false), false, false, List.of());
        assertThat(IndexStatements.attachConstraint(immediate)).endsWith(" DEFERRABLE");
    }

    @Test
    void aPlainIndexHasNoConstraintToAttach() {
        assertThatThrownBy(() -> IndexStatements.attachConstraint(index(null, false, false, List.of())))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void statisticsClusteringAndReplicaIdentityFollowTheSource() {
        var index = index(null, true, true, List.of(new IndexDef.StatisticsTarget(2, 500)));
        assertThat(IndexStatements.finishing(index)).containsExactly(
                "ALTER INDEX \"Sales \"\"EU\"\"\".\"Items \"\"pk\"\"\" ALTER COLUMN 2 SET STATISTICS 500",
                "ALTER TABLE ONLY \"Sales \"\"EU\"\"\".\"order items\" CLUSTER ON \"Items \"\"pk\"\"\"",
                "ALTER TABLE ONLY \"Sales \"\"EU\"\"\".\"order items\" REPLICA IDENTITY USING INDEX \"Items \"\"pk\"\"\"");
        assertThat(IndexStatements.finishing(index(null, false, false, List.of()))).isEmpty();
        assertThat(IndexStatements.drop(index)).isEqualTo("DROP INDEX IF EXISTS \"Sales \"\"EU\"\"\".\"Items \"\"pk\"\"\"");
    }
}
