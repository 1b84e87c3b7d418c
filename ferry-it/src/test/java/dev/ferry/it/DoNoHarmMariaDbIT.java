package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.Finding;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.testkit.LocalMariaDb;
import dev.ferry.testkit.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Do no harm, "never destroy what Ferry did not create", on MariaDB. */
class DoNoHarmMariaDbIT {
    @RegisterExtension
    static final LocalMariaDb source = LocalMariaDb.shared();

    @RegisterExtension
    static final LocalMariaDb destination = LocalMariaDb.shared("destination");

    private InProcessFerry ferry;

    @BeforeEach
    void startFerry() {
        ferry = InProcessFerry.start();
    }

    @AfterEach
    void stopFerry() {
        ferry.close();
    }

    @Test
    @Timeout(120)
    void aDestinationThatIsTheSourceServerIsRefusedWithoutADestructiveRemedy() throws Exception {
        TestDatabase shop = source.freshDatabase();
        shop.execute("CREATE TABLE t (id INT PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES (1, 'source row')");
        ferry.profile("src", shop.connection());
        ferry.profile("dst", source.superuser());
        ferry.job("self", JobType.ONE_TIME, "src", "dst", ObjectsConfig.ALL);

        List<Finding> findings = ferry.control().jobs().verify("self");

        assertThat(findings).extracting(Finding::code).contains("SAME_SERVER").doesNotContain("EXISTING_DATA");
        for (Finding f : findings) {
            assertThat(String.valueOf(f.remedy()).toUpperCase(Locale.ROOT)).doesNotContain("DROP").doesNotContain("OVERWRITE");
        }
        assertThatThrownBy(() -> ferry.control().jobs().start("self", false, null)).hasMessageContaining("SAME_SERVER");
        assertThatThrownBy(() -> ferry.control().jobs().start("self", true, null)).hasMessageContaining("SAME_SERVER");
        assertThat(shop.queryLong("SELECT COUNT(*) FROM t")).isEqualTo(1);
    }

    @Test
    @Timeout(180)
    void restartAfterSkippedValidationIntoAUsersDatabaseRefusesAndKeepsTheUsersTables() throws Exception {
        TestDatabase shop = source.freshDatabase();
        shop.execute("CREATE TABLE t (id INT PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES (1, 'a'), (2, 'b')");
        Sql.execute(destination.superuser(), "mysql", "CREATE DATABASE `" + shop.name() + "`");
        Sql.execute(destination.superuser(), shop.name(), "CREATE TABLE t (id INT PRIMARY KEY, note TEXT)",
                "CREATE TABLE mine (id INT PRIMARY KEY, precious TEXT)", "INSERT INTO mine VALUES (1, 'keep me')");
        ferry.profile("src", shop.connection());
        ferry.profile("dst", destination.superuser());
        ferry.job("skip", JobType.ONE_TIME, "src", "dst", ObjectsConfig.ALL);

        ferry.control().jobs().start("skip", true, null);
        var ended = ferry.awaitEnd("skip", Duration.ofSeconds(90));
        assertThat(ended.state()).as("the schema conflicts with the user's table t").isEqualTo(JobState.FAILED);

        assertThatThrownBy(() -> ferry.control().jobs().restart("skip", true, null))
                .isInstanceOf(FerryException.class).hasMessageContaining("did not create")
                .extracting(e -> ((FerryException) e).code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(Sql.one(destination.superuser(), shop.name(), "SELECT precious FROM mine")).isEqualTo("keep me");
    }
}
