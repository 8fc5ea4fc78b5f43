import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Drops from shaded function jars the AWS SDK model classes no function can load: the requests'
 * builders, the responses, the marshallers and the paginators of operations nothing calls, and the
 * shapes only those reach. Run by functions/pom.xml after the shade executions, on each family's
 * jar: {@code java TrimSdkModels.java <jar>...} (a single-file program: it is build code, not
 * function code). docs/architecture.md, "Packaging", says why each rule is safe.
 *
 * <ul>
 *   <li>Every class outside {@code services/<name>/{model,transform,paginators}/} stays, and so
 *       does every model class one of them names (constant pool, descriptors, generic signatures),
 *       transitively: interceptors, the presigner, endpoint discovery, Parley's own code.</li>
 *   <li>The SDK's own code of a service (its client interface and {@code Default...Client}, its
 *       endpoint-resolution interceptor, its other interceptors) names every operation. What it
 *       names of an operation stays only when something else uses that operation (Parley's code
 *       names the requests it builds), except the top-level request and response classes, which
 *       stay always with their superclasses: the JVM's verifier loads a request to check the call
 *       that passes it on as an {@code SdkRequest}, and interceptors test requests and responses
 *       with {@code instanceof}. Neither initializes the class, so what it names may go.</li>
 *   <li>Every modeled exception stays: the client registers them all when it is built.</li>
 * </ul>
 */
public final class TrimSdkModels {
    private static final Pattern PRUNABLE = Pattern.compile("software/amazon/awssdk/services/([^/]+)/(model|transform|paginators)/[^/]+");
    /** The SDK's own code of a service: its clients, interceptors, endpoint rules, presigner. */
    private static final Pattern SERVICE_CODE = Pattern.compile("software/amazon/awssdk/services/[^/]+/.+");
    private static final Pattern REFERENCE = Pattern.compile("(software/amazon/awssdk/services/[^/;<>\\[\\]]+/(?:model|transform|paginators)/[A-Za-z0-9_$]+)");
    private static final Pattern OPERATION_CLASS = Pattern.compile(
            "software/amazon/awssdk/services/([^/]+)/(?:model/(\\w+?)(?:Request|Response)|transform/(\\w+?)RequestMarshaller|paginators/(\\w+?)(?:Iterable|Publisher))(?:\\$.*)?");

    private TrimSdkModels() {}

    public static void main(String[] args) throws IOException {
        for (String arg : args) {
            trim(Path.of(arg));
        }
    }

    private static void trim(Path jar) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        Map<String, Long> times = new HashMap<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
                try (InputStream in = zip.getInputStream(entry)) {
                    entries.put(entry.getName(), in.readAllBytes());
                }
                times.put(entry.getName(), entry.getTime());
            }
        }
        Map<String, ClassInfo> classes = new HashMap<>();
        entries.forEach((name, data) -> {
            if (name.endsWith(".class") && !name.startsWith("META-INF/")) {
                classes.put(name.substring(0, name.length() - ".class".length()), ClassInfo.parse(data));
            }
        });
        Map<String, Set<String>> operations = new HashMap<>();
        for (String name : classes.keySet()) {
            Matcher marshaller = Pattern.compile("software/amazon/awssdk/services/([^/]+)/transform/(\\w+)RequestMarshaller").matcher(name);
            if (marshaller.matches()) {
                operations.computeIfAbsent(marshaller.group(1), k -> new HashSet<>()).add(marshaller.group(2));
            }
        }

        Set<String> kept = new HashSet<>();
        Set<String> loadedOnly = new HashSet<>();
        Set<String> usedOperations = new HashSet<>();
        Map<String, List<String>> clientReferencesByOperation = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>();
        Reach reach = name -> {
            if (classes.containsKey(name) && PRUNABLE.matcher(name).matches() && kept.add(name)) {
                queue.add(name);
            }
        };
        for (Map.Entry<String, ClassInfo> entry : classes.entrySet()) {
            String name = entry.getKey();
            if (PRUNABLE.matcher(name).matches()) {
                if (name.substring(name.lastIndexOf('/') + 1).contains("Exception")) {
                    reach.add(name);
                }
                continue;
            }
            boolean client = SERVICE_CODE.matcher(name).matches();
            for (String reference : entry.getValue().references()) {
                String operation = client ? operation(reference, operations) : null;
                if (operation == null) {
                    reach.add(reference);
                } else {
                    clientReferencesByOperation.computeIfAbsent(operation, k -> new ArrayList<>()).add(reference);
                    if (isTopLevelRequestOrResponse(reference)) {
                        // Loaded by the verifier or an instanceof test: the class and its superclasses,
                        // not what it names.
                        keepWithSupers(reference, classes, loadedOnly, reach);
                    }
                }
            }
        }
        while (!queue.isEmpty()) {
            String name = queue.poll();
            String operation = operation(name, operations);
            if (operation != null && usedOperations.add(operation)) {
                clientReferencesByOperation.getOrDefault(operation, List.of()).forEach(reach::add);
            }
            ClassInfo info = classes.get(name);
            info.references().forEach(reach::add);
            reach.add(info.superName());
            info.interfaces().forEach(reach::add);
        }

        int removed = 0;
        long removedBytes = 0;
        Path trimmed = jar.resolveSibling(jar.getFileName() + ".trimmed");
        try (OutputStream out = Files.newOutputStream(trimmed); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.setLevel(9);
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                String name = entry.getKey();
                String className = name.endsWith(".class") ? name.substring(0, name.length() - ".class".length()) : null;
                if (className != null && PRUNABLE.matcher(className).matches() && !kept.contains(className)
                        && !loadedOnly.contains(className)) {
                    removed++;
                    removedBytes += entry.getValue().length;
                    continue;
                }
                ZipEntry copy = new ZipEntry(name);
                copy.setTime(times.get(name));
                zip.putNextEntry(copy);
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        }
        Files.move(trimmed, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        System.out.printf("%s: %d SDK model classes no function loads removed (%.1f MB unzipped); %d operations used: %s%n",
                jar.getFileName(), removed, removedBytes / 1e6, usedOperations.size(), new java.util.TreeSet<>(usedOperations));
    }

    private interface Reach {
        void add(String name);
    }

    private static void keepWithSupers(String name, Map<String, ClassInfo> classes, Set<String> loadedOnly, Reach reach) {
        ClassInfo info = classes.get(name);
        if (info == null) {
            return;
        }
        loadedOnly.add(name);
        reach.add(info.superName());
        info.interfaces().forEach(reach::add);
    }

    private static boolean isTopLevelRequestOrResponse(String name) {
        return name.contains("/model/") && (name.endsWith("Request") || name.endsWith("Response")) && !name.contains("$");
    }

    /** The operation a request, response, marshaller or paginator class belongs to, or null. */
    private static String operation(String name, Map<String, Set<String>> operations) {
        Matcher matcher = OPERATION_CLASS.matcher(name);
        if (!matcher.matches()) {
            return null;
        }
        String operation = matcher.group(2) != null ? matcher.group(2) : matcher.group(3) != null ? matcher.group(3) : matcher.group(4);
        // Greedy names first: GetObjectRetentionRequest is GetObjectRetention's, not GetObject's.
        Set<String> known = operations.getOrDefault(matcher.group(1), Set.of());
        String simple = name.substring(name.lastIndexOf('/') + 1).split("\\$")[0];
        String best = null;
        for (String candidate : known) {
            if (simple.startsWith(candidate) && (simple.equals(candidate + "Request") || simple.equals(candidate + "Response")
                    || simple.equals(candidate + "RequestMarshaller") || simple.equals(candidate + "Iterable")
                    || simple.equals(candidate + "Publisher"))) {
                best = candidate;
            }
        }
        return best != null ? best : known.contains(operation) ? operation : null;
    }

    /** What a class file names: its superclass, interfaces, and every SDK model class in its constant pool. */
    private record ClassInfo(String superName, List<String> interfaces, Set<String> references) {
        static ClassInfo parse(byte[] data) {
            try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(data))) {
                in.readInt();
                in.readUnsignedShort();
                in.readUnsignedShort();
                int count = in.readUnsignedShort();
                String[] utf8 = new String[count];
                int[] classIndex = new int[count];
                for (int i = 1; i < count; i++) {
                    int tag = in.readUnsignedByte();
                    switch (tag) {
                        case 1 -> utf8[i] = in.readUTF();
                        case 7 -> classIndex[i] = in.readUnsignedShort();
                        case 8, 16, 19, 20 -> in.readUnsignedShort();
                        case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();
                        case 5, 6 -> {
                            in.readLong();
                            i++;
                        }
                        case 15 -> {
                            in.readUnsignedByte();
                            in.readUnsignedShort();
                        }
                        default -> throw new IOException("constant pool tag " + tag);
                    }
                }
                in.readUnsignedShort();
                in.readUnsignedShort();
                int superIndex = in.readUnsignedShort();
                int interfaceCount = in.readUnsignedShort();
                List<String> interfaces = new ArrayList<>();
                for (int i = 0; i < interfaceCount; i++) {
                    interfaces.add(utf8[classIndex[in.readUnsignedShort()]]);
                }
                Set<String> references = new HashSet<>();
                for (int i = 1; i < count; i++) {
                    if (classIndex[i] != 0) {
                        String name = utf8[classIndex[i]];
                        references.add(name.startsWith("[") ? name.replaceAll("^\\[+L?|;$", "") : name);
                    }
                    if (utf8[i] != null && utf8[i].contains("software/amazon/awssdk/services/")) {
                        Matcher matcher = REFERENCE.matcher(utf8[i]);
                        while (matcher.find()) {
                            references.add(matcher.group(1));
                        }
                    }
                }
                return new ClassInfo(superIndex == 0 ? "java/lang/Object" : utf8[classIndex[superIndex]], interfaces, references);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
