package dev.ferry.engine.postgres.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.TableRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicationStartTest {
    @Test
    void aSuperuserCopyingEverythingPublishesAllTables() {
        assertThat(ReplicationStart.publicationSql("ferry_j", true, List.of()))
                .isEqualTo("CREATE PUBLICATION \"ferry_j\" FOR ALL TABLES");
    }

    @Test
    void otherwiseTheSelectedTablesAreListedQuoted() {
        assertThat(ReplicationStart.publicationSql("ferry_j", false,
                List.of(new TableRef("public", "a"), new TableRef("My \"S\"", "b c"))))
                .isEqualTo("CREATE PUBLICATION \"ferry_j\" FOR TABLE ONLY \"public\".\"a\", ONLY \"My \"\"S\"\"\".\"b c\"");
        assertThat(ReplicationStart.publicationSql("ferry_j", false, List.of())).isEqualTo("CREATE PUBLICATION \"ferry_j\"");
    }

    @Test
    void theSlotExportsItsSnapshotInTheSyntaxOfTheServersMajor() {
        assertThat(SlotSnapshot.createSql("ferry_j_db", false, 15))
                .isEqualTo("CREATE_REPLICATION_SLOT \"ferry_j_db\" LOGICAL pgoutput (SNAPSHOT 'export')");
        assertThat(SlotSnapshot.createSql("ferry_j_db", true, 14))
                .isEqualTo("CREATE_REPLICATION_SLOT \"ferry_j_db\" TEMPORARY LOGICAL pgoutput EXPORT_SNAPSHOT");
    }
}
