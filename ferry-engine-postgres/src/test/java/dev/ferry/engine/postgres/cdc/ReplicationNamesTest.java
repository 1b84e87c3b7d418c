package dev.ferry.engine.postgres.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplicationNamesTest {
    @Test
    void namesFollowTheJobWithUnderscores() {
        assertThat(ReplicationNames.publication("shop-move")).isEqualTo("ferry_shop_move");
        assertThat(ReplicationNames.slot("shop-move", "shop")).isEqualTo("ferry_shop_move_shop");
    }

    @Test
    void aDatabaseNameThatIsNotPlainAsciiGetsAStableHash() {
        String slot = ReplicationNames.slot("job", "Ünïcødé DB");
        assertThat(slot).matches("ferry_job_[a-z0-9_]+_[0-9a-f]{8}").hasSizeLessThanOrEqualTo(63)
                .isEqualTo(ReplicationNames.slot("job", "Ünïcødé DB"))
                .isNotEqualTo(ReplicationNames.slot("job", "ünïcødé db"));
    }

    @Test
    void longNamesAreCutToSixtyThreeBytesAndStayDistinct() {
        String job = "j".repeat(63);
        assertThat(ReplicationNames.publication(job)).hasSize(63).startsWith("ferry_jjj");
        assertThat(ReplicationNames.slot(job, "a")).hasSize(63).isNotEqualTo(ReplicationNames.slot(job, "b"));
        assertThat(ReplicationNames.temporarySlot(ReplicationNames.slot(job, "a"), "1234abcd")).hasSizeLessThanOrEqualTo(63).endsWith("_t1234abcd");
    }

    @Test
    void namesCarryTheInstallationAndNeverCollideBetweenJobsWhoseCleanedNamesMatch() {
        var one = ReplicationNames.of("inst0001", "a", "b_c");
        var two = ReplicationNames.of("inst0001", "a-b", "c");
        assertThat(ReplicationNames.slot("a", "b_c")).as("the legacy names collide").isEqualTo(ReplicationNames.slot("a-b", "c"));
        assertThat(one.slot()).startsWith("ferry_inst0001_").isNotEqualTo(two.slot());
        assertThat(one.publication()).isNotEqualTo(two.publication());
        assertThat(ReplicationNames.of("inst0002", "a", "b_c").slot()).isNotEqualTo(one.slot());
        assertThat(ReplicationNames.of("inst0001", "j".repeat(63), "d".repeat(63)).slot()).hasSizeLessThanOrEqualTo(63)
                .matches("[a-z0-9_]+");
    }

    @Test
    void withoutAnInstallationTheLegacyNamesAreUsed() {
        assertThat(ReplicationNames.of(null, "shop-move", "shop").slot()).isEqualTo("ferry_shop_move_shop");
        assertThat(ReplicationNames.of(null, "shop-move", "shop").publication()).isEqualTo("ferry_shop_move");
    }
}
