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
        assertThat(ReplicationNames.temporarySlot(job, "a", "1234abcd")).hasSizeLessThanOrEqualTo(63).endsWith("_t1234abcd");
    }
}
