package dev.ferry.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.control.job.JobRequest;
import dev.ferry.control.profile.ProfileRequest;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.PerformanceConfig;
import dev.ferry.core.model.Phase;
import dev.ferry.server.RunningServer;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard under {@code deploy/grafana} against a real server: every metric its PromQL queries name is
 * exported by {@code /metrics} while a continuous job replicates, so each panel has series to show.
 */
@Timeout(240)
class MetricsDashboardIT {
    private static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "ferry-dashboard.json");
    /** Ferry's metric names in a query: everything Ferry exports starts with ferry_. */
    private static final Pattern METRIC = Pattern.compile("\\bferry_[a-zA-Z0-9_:]*");
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]");

    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres destination = LocalPostgres.shared("destination");

    @TempDir
    static Path home;

    private static RunningServer server;

    @BeforeAll
    static void startServer() {
        server = RunningServer.start(home);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static String scrape() throws IOException, InterruptedException {
        var answer = server.call("GET", "/metrics", null);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.contentType()).startsWith("text/plain; version=0.0.4");
        return answer.text();
    }

    /** The names of the samples in a scrape. */
    private static Set<String> exported(String text) {
        Set<String> names = new TreeSet<>();
        for (String line : text.lines().toList()) {
            Matcher m = SAMPLE.matcher(line);
            if (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** Every Ferry metric the dashboard's queries (and its variables' queries) name. */
    private static Set<String> queried() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
        Set<String> names = new TreeSet<>();
        for (JsonNode expr : dashboard.findValues("expr")) {
            collect(expr.asText(), names);
        }
        for (JsonNode definition : dashboard.path("templating").findValues("definition")) {
            collect(definition.asText(), names);
        }
        return names;
    }

    private static void collect(String promql, Set<String> names) {
        Matcher m = METRIC.matcher(promql);
        while (m.find()) {
            names.add(m.group());
        }
    }

    @Test
    void everyMetricTheDashboardQueriesIsExportedWhileAJobReplicates() throws Exception {
        TestDatabase shop = pg.freshDatabase();
        shop.execute("CREATE TABLE orders (id int PRIMARY KEY, note text)",
                "INSERT INTO orders SELECT g, 'n' || g FROM generate_series(1, 500) g");
        server.control().profiles().create(new ProfileRequest("dash-src", null, null, shop.connection()), null);
        server.control().profiles().create(new ProfileRequest("dash-dst", null, null, destination.superuser()), null);
        server.control().jobs().create(new JobRequest("dash", null, null, JobType.CONTINUOUS, "dash-src", "dash-dst", ObjectsConfig.ALL,
                new PerformanceConfig(2)), null);
        Set<String> queried = queried();
        assertThat(queried).as("the dashboard's queries").contains("ferry_job_lag_seconds", "ferry_rows_copied_total",
                "ferry_job_state", "ferry_cdc_rows_applied_total");

        server.control().jobs().start("dash", false, null);
        await().atMost(Duration.ofSeconds(120)).until(() -> {
            var job = server.control().jobs().get("dash");
            assertThat(job.state()).as("error: %s", job.error()).isNotIn(JobState.FAILED, JobState.STOPPED);
            return job.phase() == Phase.CDC || job.phase() == Phase.READY_FOR_PROMOTE;
        });
        shop.execute("INSERT INTO orders SELECT g, 'n' || g FROM generate_series(501, 600) g");

        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                Set<String> missing = new TreeSet<>(queried);
                missing.removeAll(exported(scrape()));
                assertThat(missing).as("metrics deploy/grafana/ferry-dashboard.json queries but /metrics does not export "
                        + "while job 'dash' replicates").isEmpty();
            });
            String text = scrape();
            assertThat(text).contains("ferry_job_state{job=\"dash\",state=\"RUNNING\"} 1.0")
                    .contains("ferry_rows_copied_total{job=\"dash\"} 500.0")
                    .contains("# TYPE ferry_rows_copied_total counter");
        } finally {
            server.control().jobs().delete("dash", false, null);    // releases the replication slot on the shared source server
        }
    }
}
