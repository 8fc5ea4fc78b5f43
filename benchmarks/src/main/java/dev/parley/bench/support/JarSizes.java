package dev.parley.bench.support;

import dev.parley.bench.report.Report;
import dev.parley.bench.report.Target;
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
 * The size of each deployable artifact (today one: the shaded functions jar every function runs),
 * in MB of 10^6 bytes, and what fills it: compressed bytes by top-level package, which says where
 * to cut when the jar misses its target.
 */
public final class JarSizes {
    private JarSizes() {}

    public static void run(Report report, Path root) throws IOException {
        Path jar = root.resolve("functions/target/parley-functions.jar");
        long bytes = Files.size(jar);
        report.comment("deployable artifacts: functions/target/parley-functions.jar (every Lambda function runs it); "
                + "MB = 10^6 bytes");
        report.add("jar_mb_parley_functions", bytes / 1e6, "MB", Target.below(8, "MB"));
        Map<String, Long> byPackage = new TreeMap<>();
        long unzipped = 0;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                unzipped += Math.max(0, entry.getSize());
                byPackage.merge(group(entry.getName()), Math.max(0, entry.getCompressedSize()), Long::sum);
            }
        }
        report.add("jar_unzipped_mb_parley_functions", unzipped / 1e6, "MB");
        Map<String, Long> largest = new LinkedHashMap<>();
        byPackage.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(10)
                .forEach(e -> largest.put(e.getKey(), e.getValue()));
        report.comment("parley-functions.jar, compressed MB by package: " + largest.entrySet().stream()
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
