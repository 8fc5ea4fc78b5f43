package dev.parley.bench.support;

import dev.parley.bench.report.Report;
import dev.parley.bench.report.Target;
import dev.parley.model.routes.Catalogue;
import dev.parley.model.routes.Family;
import dev.parley.model.routes.FunctionSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The size of each deployable artifact (one shaded jar per function family, {@link Family}), in MB
 * of 10^6 bytes, and what fills it: compressed bytes by top-level package, which says where to cut
 * when a jar misses its target (under 8 MB; the authorizer's, which holds no AWS SDK, under 2 MB).
 */
public final class JarSizes {
    private JarSizes() {}

    public static void run(Report report, Path root) throws IOException {
        report.comment("deployable artifacts: functions/target/parley-<family>.jar, each the code of the functions of "
                + "one family (" + Catalogue.ALL.stream().map(FunctionSpec::family).distinct().map(Family::id)
                .collect(Collectors.joining(", ")) + "); MB = 10^6 bytes; entries = files in the jar");
        for (Family family : Catalogue.ALL.stream().map(FunctionSpec::family).distinct().toList()) {
            measure(report, root.resolve("functions/target").resolve(family.jarName()), family);
        }
    }

    private static void measure(Report report, Path jar, Family family) throws IOException {
        long bytes = Files.size(jar);
        report.add("jar_mb_" + family.id(), bytes / 1e6, "MB",
                Target.below(family == Family.AUTHORIZER ? 2 : 8, "MB"));
        Map<String, Long> byPackage = new TreeMap<>();
        long unzipped = 0;
        int files = 0;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                files++;
                unzipped += Math.max(0, entry.getSize());
                byPackage.merge(group(entry.getName()), Math.max(0, entry.getCompressedSize()), Long::sum);
            }
        }
        report.add("jar_unzipped_mb_" + family.id(), unzipped / 1e6, "MB");
        report.add("jar_entries_" + family.id(), files, "files");
        Map<String, Long> largest = new LinkedHashMap<>();
        byPackage.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                .forEach(e -> largest.put(e.getKey(), e.getValue()));
        report.comment(family.jarName() + ", compressed MB by package: " + largest.entrySet().stream()
                .map(e -> e.getKey() + " " + Report.format(e.getValue() / 1e6)).collect(Collectors.joining(", ")));
    }

    /** software/amazon/awssdk/services/dynamodb/X.class -> software.amazon.awssdk.services.dynamodb */
    private static String group(String name) {
        String[] parts = name.split("/");
        if (parts.length <= 1) {
            return "(root)";
        }
        int depth = name.startsWith("software/amazon/awssdk/services/") ? 5
                : name.startsWith("software/amazon/awssdk/") ? 4
                : name.startsWith("META-INF/") ? 1
                : 3;
        StringBuilder group = new StringBuilder();
        for (int i = 0; i < Math.min(depth, parts.length - 1); i++) {
            group.append(i == 0 ? "" : ".").append(parts[i]);
        }
        return group.toString();
    }
}
