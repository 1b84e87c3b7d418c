package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.cli.Wiring;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Role;
import dev.ferry.server.ApiServer;
import dev.ferry.server.ServerConfig;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;

/**
 * The web console in a real browser (Debian's headless Chromium through its chromedriver): an admin signs in, creates
 * two profiles and a continuous job through the forms, starts it, watches the copy reach 100 %, sees the lag chart
 * while it replicates and promotes it; a viewer then sees the job without any action. Screenshots of the jobs list,
 * the job page during the copy and during CDC go to {@code target/screenshots}.
 */
@Timeout(600)
class WebConsoleIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String JOB = "console-shop";
    private static final int ROWS = 60_000;

    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres destination = LocalPostgres.shared("destination");

    @TempDir
    Path dir;

    private Wiring wiring;
    private ApiServer server;
    private WebDriver browser;
    private String admin;
    private String viewer;

    @BeforeEach
    void start() {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "the browser test needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver); "
                        + ".ci/run installs them: apt-get install chromium chromium-driver");
        wiring = Wiring.open(dir.resolve("home"));
        admin = wiring.control().tokens().bootstrapAdmin().orElseThrow().secret();
        viewer = wiring.control().tokens().create("watcher", Role.VIEWER, null, null).secret();
        server = new ApiServer(ServerConfig.local(0), wiring.control());
        server.start();
        // The driver is named explicitly, so Selenium Manager has nothing to look for and downloads nothing.
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        var service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .build();
        var options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--window-size=1300,1400");
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
        if (wiring != null) {
            wiring.close();
        }
    }

    @Test
    void anAdminMigratesThroughTheConsoleAndAViewerSeesNoActions() throws Exception {
        TestDatabase shop = pg.freshDatabase();
        shop.execute("CREATE TABLE item (id bigint PRIMARY KEY, payload text NOT NULL)",
                "INSERT INTO item SELECT g, repeat(md5(g::text), 8) FROM generate_series(1, " + ROWS + ") g");

        signIn(admin);
        assertThat(text("#who-name")).isEqualTo("admin");
        open("#/profiles");
        createProfile("shop-source", shop.connection(), shop.name());
        createProfile("shop-destination", destination.superuser(), null);
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> text("#profiles-table").contains("shop-source") && text("#profiles-table").contains("shop-destination"));

        open("#/jobs");
        type("#job-name", JOB);
        new Select(find("#job-type")).selectByValue("CONTINUOUS");
        assertProfilesUnchosen();
        new Select(find("#job-source")).selectByValue("shop-source");
        new Select(find("#job-destination")).selectByValue("shop-destination");
        type("#job-read-limit", "1000000");         // slow enough to watch the copy
        find("#job-create").click();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> text("#job-header h1").contains("NOT_STARTED"));

        act("start");
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> between(copied(), 1, 99));
        // The source's statistics may have no row estimate yet: the cell then says so rather than 0.
        assertThat(estimatedRows()).isNotEqualTo("0");
        assertThat(text("#lag")).contains("the initial copy is running");
        screenshot("job-page-during-copy.png");
        await().atMost(Duration.ofMinutes(3)).ignoreExceptions().until(() -> copied() == 100);
        assertThat(text("#objects-table")).contains("item").contains("COPIED");

        AtomicBoolean stopWriting = new AtomicBoolean();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> writer = executor.submit(() -> write(shop, stopWriting));
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
                    .until(() -> Integer.parseInt(find("#lag-seconds-chart").getDomAttribute("data-points")) >= 3);
            assertThat(find("#lag-bytes-chart").getDomAttribute("data-points")).isNotEqualTo("0");
            assertThat(tickLabels("#lag-seconds-chart")).hasSizeGreaterThan(1).doesNotHaveDuplicates();
            assertThat(tickLabels("#lag-bytes-chart")).hasSizeGreaterThan(1).doesNotHaveDuplicates();
            assertThat(text("#lag-hint")).isEmpty();
            assertThat(estimatedRows()).matches("[1-9][0-9]*");
            screenshot("job-page-during-cdc-with-lag-chart.png");
            open("#/jobs");
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> text("#jobs-table").contains(JOB) && text("#jobs-table").contains("100 %"));
            assertThat(text("#jobs-table")).contains("CONTINUOUS").contains("shop-source → shop-destination");
            assertProfilesUnchosen();
            screenshot("jobs-list.png");
            stopWriting.set(true);
            writer.get();
        }

        find("a.job-link").click();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> find("#action-promote").isDisplayed());
        act("promote");
        await().atMost(Duration.ofMinutes(2)).ignoreExceptions().until(() -> text("#job-header h1").contains("COMPLETED"));
        assertThat(Sql.pgTableHash(destination.superuser(), shop.name(), "public.item"))
                .isEqualTo(Sql.pgTableHash(shop.connection(), shop.name(), "public.item"));
        open("#/operations");
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> text("#operations-table").contains("promote"));

        find("#signout").click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.getCurrentUrl().endsWith("/signin"));
        signIn(viewer);
        open("#/jobs/" + JOB);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> text("#job-header h1").contains("COMPLETED"));
        assertThat(browser.findElements(By.cssSelector("#actions button"))).isEmpty();
        open("#/jobs");
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> text("#jobs-table").contains(JOB));
        assertThat(browser.findElements(By.id("job-form"))).isEmpty();
        open("#/profiles");
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> text("#profiles-table").contains("shop-source"));
        assertThat(browser.findElements(By.id("profile-form"))).isEmpty();
    }

    private void signIn(String token) {
        browser.get(server.uri() + "/");
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.getCurrentUrl().endsWith("/signin"));
        type("#token", token);
        find("#signin").click();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> !text("#who-name").isEmpty());
    }

    private void createProfile(String name, DatabaseConnection c, String database) {
        type("#profile-name", name);
        new Select(find("#profile-kind")).selectByValue("postgresql");
        type("#profile-host", c.host());
        type("#profile-port", String.valueOf(c.port()));
        type("#profile-username", c.username());
        if (c.password() != null) {
            type("#profile-password", c.password().reveal());
        }
        type("#profile-database", database == null ? "" : database);
        find("#profile-create").click();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> text("#profile-status").contains("created") || !text("#profile-error").isEmpty());
        assertThat(text("#profile-error")).isEmpty();
    }

    /** Clicks the job page's action and confirms it in the dialog. */
    private void act(String verb) {
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> find("#action-" + verb).isDisplayed());
        find("#action-" + verb).click();
        await().atMost(Duration.ofSeconds(5)).until(() -> find("#confirm-ok").isDisplayed());
        find("#confirm-ok").click();
        await().atMost(Duration.ofSeconds(10)).until(() -> !text("#action-message").isEmpty());
        assertThat(find("#action-message").getDomAttribute("class")).doesNotContain("error");
    }

    private int copied() {
        return Integer.parseInt(find("#overall-progress").getDomAttribute("value"));
    }

    /** The new-job form's profile lists hold a placeholder and the two profiles, and both start on the placeholder. */
    private void assertProfilesUnchosen() {
        await().atMost(Duration.ofSeconds(10)).until(() -> new Select(find("#job-source")).getOptions().size() == 3);
        assertThat(find("#job-source").getDomProperty("value")).isEmpty();
        assertThat(find("#job-destination").getDomProperty("value")).isEmpty();
    }

    /** The estimated-rows cell of the job page's one table. */
    private String estimatedRows() {
        return text("#objects-table tbody tr td:nth-child(5)");
    }

    private List<String> tickLabels(String chart) {
        return browser.findElements(By.cssSelector(chart + " text[data-tick]")).stream()
                .map(e -> e.getDomProperty("textContent")).toList();
    }

    private static boolean between(int value, int low, int high) {
        return value >= low && value <= high;
    }

    private void open(String hash) {
        browser.get(server.uri() + "/" + hash);
    }

    private WebElement find(String css) {
        return browser.findElement(By.cssSelector(css));
    }

    private String text(String css) {
        return find(css).getText();
    }

    private void type(String css, String value) {
        WebElement field = find(css);
        field.clear();
        field.sendKeys(value);
    }

    private void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve(name), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    /** Inserts and updates rows until told to stop, so replication has something to be behind on. */
    private static Void write(TestDatabase shop, AtomicBoolean stop) throws Exception {
        try (var c = shop.open(); var insert = c.prepareStatement(
                "INSERT INTO item SELECT max(id) + 1, repeat(md5(random()::text), 8) FROM item")) {
            while (!stop.get()) {
                insert.executeUpdate();
            }
        }
        return null;
    }
}
