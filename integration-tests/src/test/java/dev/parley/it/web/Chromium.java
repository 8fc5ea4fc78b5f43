package dev.parley.it.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium from the Debian packages {@code chromium} and {@code chromium-driver}.
 * Both paths are given to Selenium explicitly, so Selenium Manager never runs and nothing is
 * downloaded. Override them with {@code -Dparley.chromium=} and {@code -Dparley.chromedriver=}.
 */
final class Chromium {
    static final Path BROWSER = Path.of(System.getProperty("parley.chromium", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("parley.chromedriver", "/usr/bin/chromedriver"));

    /** Set in CI (.ci/run): a missing browser then fails the browser test instead of skipping it. */
    static final boolean REQUIRED = "1".equals(System.getenv("PARLEY_REQUIRE_BROWSER"));

    private static final Map<ChromeDriver, Path> PROFILES = new ConcurrentHashMap<>();
    /**
     * Debian's Chromium is often newer than the DevTools versions this Selenium bundles; the tests
     * use WebDriver commands only, so the "closest CDP version" warning is noise. (Held here: JUL
     * keeps loggers weakly, and a collected logger would forget its level.)
     */
    private static final Logger CDP_VERSION_LOG = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    static {
        CDP_VERSION_LOG.setLevel(Level.SEVERE);
    }

    private Chromium() {}

    /** Why no browser can be had on this machine, or empty when one can. */
    static Optional<String> unavailable() {
        for (Path binary : new Path[] {BROWSER, DRIVER}) {
            if (!Files.isExecutable(binary)) {
                return Optional.of("no executable " + binary + ": the browser test needs Debian's chromium and "
                        + "chromium-driver (apt-get install -y chromium chromium-driver)");
            }
        }
        return Optional.empty();
    }

    /** A new headless browser with a profile of its own (deleted again by {@link #quit}). */
    static ChromeDriver start() throws IOException {
        // Selenium Manager is not used (driver and browser are named below); should anything
        // still reach it, it must neither download nor send usage statistics.
        System.setProperty("SE_AVOID_STATS", "true");
        System.setProperty("SE_OFFLINE", "true");
        Path profile = Files.createTempDirectory("parley-chromium-");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--no-default-browser-check", "--window-size=1100,900",
                "--user-data-dir=" + profile);
        ChromeDriver driver = new ChromeDriver(service, options);
        PROFILES.put(driver, profile);
        return driver;
    }

    static void quit(ChromeDriver driver) {
        if (driver == null) {
            return;
        }
        try {
            driver.quit();
        } finally {
            Path profile = PROFILES.remove(driver);
            if (profile != null) {
                deleteQuietly(profile);
            }
        }
    }

    private static void deleteQuietly(Path directory) {
        try (var paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException leftBehind) {
            // a temporary directory; the OS cleans it up eventually
        }
    }
}
