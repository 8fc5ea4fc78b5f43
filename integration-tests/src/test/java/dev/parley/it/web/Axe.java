package dev.parley.it.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * axe-core, the accessibility rules engine, run inside the page under test. Its script comes from
 * the npm devDependency of client-js/ (package.json, installed by the build with {@code npm ci}),
 * so the version is pinned by the lock file and nothing is fetched at test time.
 */
final class Axe {
    static final Path SCRIPT = Path.of(System.getProperty("parley.axe",
            "../client-js/node_modules/axe-core/axe.min.js"));

    /** One rule the page breaks: its id, impact (minor, moderate, serious, critical), help and where. */
    record Violation(String id, String impact, String help, List<String> where) {
        boolean seriousOrWorse() {
            return "serious".equals(impact) || "critical".equals(impact);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private Axe() {}

    /** Runs every WCAG 2.1 A and AA rule axe has against the window's current page. */
    static List<Violation> run(ChromeDriver window) throws IOException {
        if (!Files.isReadable(SCRIPT)) {
            throw new IllegalStateException("no " + SCRIPT.toAbsolutePath() + ": build client-js first "
                    + "(node client-js/scripts/build.mjs runs npm ci), or point -Dparley.axe= at axe.min.js");
        }
        window.executeScript(Files.readString(SCRIPT));
        String result = (String) window.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
                                    resultTypes: ['violations'] })
                  .then(r => done(JSON.stringify(r.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help, where: v.nodes.slice(0, 5).map(n => n.target.join(' ')) })))))
                  .catch(e => done(JSON.stringify([{ id: 'axe-failed', impact: 'critical', help: String(e), where: [] }])));""");
        List<Violation> violations = new ArrayList<>();
        for (JsonNode v : JSON.readTree(result)) {
            List<String> where = new ArrayList<>();
            v.path("where").forEach(w -> where.add(w.asText()));
            violations.add(new Violation(v.path("id").asText(), v.path("impact").asText(), v.path("help").asText(), where));
        }
        return violations;
    }
}
