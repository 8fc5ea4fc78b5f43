import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Replaces, in shaded function jars, the AWS SDK's two metadata tables that a client's build
 * initializes whole: {@code GeneratedServiceMetadataProvider}, which instantiates one metadata class
 * per AWS service (over 300 classes loaded by every {@code DynamoDbClient.builder().build()}, for
 * the signing region of the one service being built), and {@code GeneratedRegionMetadataProvider},
 * one class per region. The replacements answer the same lookups with the same classes, built on
 * first use: the service table knows the services whose clients the jar holds (any other prefix
 * gets {@code null}, for which {@code ServiceMetadata.of} builds the SDK's {@code
 * DefaultServiceMetadata}, as it does for a service missing from its table), and the region table
 * every region the SDK knows. The metadata classes of the other services leave the jar.
 *
 * <p>Run by functions/pom.xml after the shade executions, on each family's jar that holds the SDK:
 * {@code java LazyRegionMetadata.java <jar>...} (a single-file program: build code, not function
 * code). What it generates is compiled against the jar itself, so an SDK whose tables change shape
 * fails the build here, not a cold start. docs/architecture.md, "Packaging".
 */
public final class LazyRegionMetadata {
    private static final String REGIONS = "software/amazon/awssdk/regions/";
    private static final String SERVICE_TABLE = REGIONS + "GeneratedServiceMetadataProvider";
    private static final String REGION_TABLE = REGIONS + "GeneratedRegionMetadataProvider";
    private static final Pattern SERVICE_METADATA = Pattern.compile(REGIONS + "servicemetadata/[^/]+\\.class");
    /** A metadata class's internal name as it stands in another class's constant pool. */
    private static final Pattern METADATA_REFERENCE = Pattern.compile(REGIONS + "servicemetadata/[A-Za-z0-9_$]+");
    /** A service's client interface, e.g. {@code services/dynamodb/DynamoDbClient}. */
    private static final Pattern CLIENT = Pattern.compile("(software/amazon/awssdk/services/[^/]+/(?:[^/]+/)?[A-Za-z0-9]+Client)\\.class");

    private LazyRegionMetadata() {}

    public static void main(String[] args) throws Exception {
        for (String arg : args) {
            rewrite(Path.of(arg));
        }
    }

    private static void rewrite(Path jar) throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        Map<String, Long> times = new HashMap<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                try (InputStream in = zip.getInputStream(entry)) {
                    entries.put(entry.getName(), in.readAllBytes());
                }
                times.put(entry.getName(), entry.getTime());
            }
        }
        if (!entries.containsKey(SERVICE_TABLE + ".class")) {
            System.out.printf("%s: no AWS SDK regions module, left as it is%n", jar.getFileName());
            return;
        }
        Map<String, String> services = new TreeMap<>();
        Map<String, String> regions = new TreeMap<>();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Object serviceTable = loader.loadClass(SERVICE_TABLE.replace('/', '.')).getConstructor().newInstance();
            Method service = serviceTable.getClass().getMethod("serviceMetadata", String.class);
            for (String name : entries.keySet()) {
                Matcher client = CLIENT.matcher(name);
                if (!client.matches()) {
                    continue;
                }
                Class<?> type = loader.loadClass(client.group(1).replace('/', '.'));
                String prefix;
                try {
                    prefix = (String) type.getField("SERVICE_METADATA_ID").get(null);
                } catch (NoSuchFieldException notAServiceClient) {
                    continue;
                }
                Object metadata = service.invoke(serviceTable, prefix);
                if (metadata != null) {
                    services.put(prefix, metadata.getClass().getName());
                }
            }
            Class<?> regionType = loader.loadClass("software.amazon.awssdk.regions.Region");
            Object regionTable = loader.loadClass(REGION_TABLE.replace('/', '.')).getConstructor().newInstance();
            Method region = regionTable.getClass().getMethod("regionMetadata", regionType);
            for (Object known : (List<?>) regionType.getMethod("regions").invoke(null)) {
                Object metadata = region.invoke(regionTable, known);
                if (metadata != null) {
                    regions.put((String) regionType.getMethod("id").invoke(known), metadata.getClass().getName());
                }
            }
        }
        if (services.isEmpty()) {
            throw new IllegalStateException(jar + ": no service client with metadata found");
        }
        Map<String, byte[]> generated = compile(jar, Map.of(
                SERVICE_TABLE, table("GeneratedServiceMetadataProvider", "ServiceMetadataProvider", "ServiceMetadata",
                        "serviceMetadata(String endpointPrefix)", "endpointPrefix", services),
                REGION_TABLE, table("GeneratedRegionMetadataProvider", "RegionMetadataProvider", "RegionMetadata",
                        "regionMetadata(Region region)", "region.id()", regions)));

        // A kept metadata class may build another one (S3's EnhancedS3ServiceMetadata wraps
        // S3ServiceMetadata): keep every metadata class a kept one names, transitively.
        java.util.Set<String> keep = new java.util.HashSet<>();
        java.util.Deque<String> named = new java.util.ArrayDeque<>();
        services.values().forEach(type -> named.add(type.replace('.', '/')));
        while (!named.isEmpty()) {
            String type = named.pop();
            byte[] bytes = entries.get(type + ".class");
            if (bytes == null || !keep.add(type)) {
                continue;
            }
            Matcher reference = METADATA_REFERENCE.matcher(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1));
            while (reference.find()) {
                named.add(reference.group());
            }
        }

        int removed = 0;
        Path rewritten = jar.resolveSibling(jar.getFileName() + ".metadata");
        try (OutputStream out = Files.newOutputStream(rewritten); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.setLevel(9);
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                String name = entry.getKey();
                if (SERVICE_METADATA.matcher(name).matches() && !keep.contains(name.substring(0, name.length() - ".class".length()))) {
                    removed++;
                    continue;
                }
                byte[] data = name.endsWith(".class") ? generated.getOrDefault(name.substring(0, name.length() - 6), entry.getValue())
                        : entry.getValue();
                ZipEntry copy = new ZipEntry(name);
                copy.setTime(times.get(name));
                zip.putNextEntry(copy);
                zip.write(data);
                zip.closeEntry();
            }
        }
        Files.move(rewritten, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        System.out.printf("%s: region tables built on first use; %d service metadata classes of other services removed; "
                + "services kept: %s%n", jar.getFileName(), removed, services.keySet());
    }

    /** A table class whose lookup is a switch building the same metadata class as the SDK's. */
    private static String table(String name, String contract, String value, String signature, String key,
                                Map<String, String> rows) {
        StringBuilder source = new StringBuilder()
                .append("package software.amazon.awssdk.regions;\n\n")
                .append("/** Generated by functions/src/build/LazyRegionMetadata.java: the SDK's table, each entry built on first use. */\n")
                .append("public final class ").append(name).append(" implements ").append(contract).append(" {\n")
                .append("    @Override\n")
                .append("    public ").append(value).append(' ').append(signature).append(" {\n")
                .append("        switch (").append(key).append(") {\n");
        rows.forEach((id, type) -> source.append("            case \"").append(id).append("\": return new ").append(type).append("();\n"));
        return source.append("            default: return null;\n")
                .append("        }\n")
                .append("    }\n")
                .append("}\n").toString();
    }

    /** The sources compiled against the jar; class file bytes by entry name without {@code .class}. */
    private static Map<String, byte[]> compile(Path jar, Map<String, String> sources) throws IOException {
        Path work = Files.createTempDirectory("lazy-region-metadata");
        try {
            Path src = Files.createDirectories(work.resolve("src/" + REGIONS));
            Path out = Files.createDirectories(work.resolve("out"));
            List<String> arguments = new java.util.ArrayList<>(List.of("--release", "8", "-nowarn", "-Xlint:-options",
                    "-classpath", jar.toString(), "-d", out.toString()));
            for (Map.Entry<String, String> source : sources.entrySet()) {
                Path file = src.resolve(source.getKey().substring(REGIONS.length()) + ".java");
                Files.writeString(file, source.getValue(), StandardCharsets.UTF_8);
                arguments.add(file.toString());
            }
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            if (javac.run(null, null, null, arguments.toArray(String[]::new)) != 0) {
                throw new IllegalStateException("the generated metadata tables do not compile against " + jar);
            }
            Map<String, byte[]> classes = new HashMap<>();
            for (String name : sources.keySet()) {
                classes.put(name, Files.readAllBytes(out.resolve(name + ".class")));
            }
            return classes;
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
