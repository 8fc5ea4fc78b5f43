import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
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
 * shapes only those reach; the requests and responses themselves, and the endpoint metadata of
 * services the jar has no client of, are reduced to their names. Run by functions/pom.xml after the
 * shade executions, on each family's jar: {@code java TrimSdkModels.java <jar>...} (a single-file
 * program: it is build code, not function code). docs/architecture.md, "Packaging", says why each
 * rule is safe.
 *
 * <ul>
 *   <li>Every class outside {@code services/<name>/{model,transform,paginators}/} stays, and so
 *       does every model class one of them names (constant pool, descriptors, generic signatures),
 *       transitively: interceptors, the presigner, endpoint discovery, Parley's own code.</li>
 *   <li>The SDK's own code of a service (its client interface and {@code Default...Client}, its
 *       endpoint-resolution interceptor, its other interceptors; not the presigner, which builds the
 *       marshallers of every operation it presigns when it is built) names every operation. What it
 *       names of an operation stays only when something else uses that operation (Parley's code
 *       names the requests it builds; an operation's classes are those named after it: request,
 *       response, marshaller, paginators, event stream and its handler), except the top-level
 *       request and response classes, which stay with their superclasses, reduced to a class file
 *       holding only their name and superclass: the JVM's verifier loads a request to check the
 *       call that passes it on as an {@code SdkRequest}, and interceptors test requests and
 *       responses with {@code instanceof}. Neither initializes the class nor calls a method of
 *       it, so its members and what they name may go.</li>
 *   <li>Every modeled exception stays: the client registers them all when it is built.</li>
 *   <li>The {@code ServiceMetadata} class of a service whose endpoint prefix no service code of the
 *       jar names is reduced to its interface and an empty constructor: the metadata provider's
 *       static initializer creates every one, and only a client's own service's is asked anything.</li>
 * </ul>
 */
public final class TrimSdkModels {
    private static final Pattern PRUNABLE = Pattern.compile("software/amazon/awssdk/services/([^/]+)/(model|transform|paginators)/.+");
    /** The SDK's own code of a service: its clients, interceptors, endpoint rules, presigner. */
    private static final Pattern SERVICE_CODE = Pattern.compile("software/amazon/awssdk/services/[^/]+/.+");
    private static final Pattern REFERENCE = Pattern.compile("(software/amazon/awssdk/services/[^/;<>\\[\\]]+/(?:model|transform|paginators)/[A-Za-z0-9_$/]+)");
    private static final Pattern OPERATION_CLASS = Pattern.compile(
            "software/amazon/awssdk/services/([^/]+)/(?:model/(\\w+?)(?:Request|Response|ResponseHandler|EventStream)"
                    + "|transform/(\\w+?)RequestMarshaller|paginators/(\\w+?)(?:Iterable|Publisher))(?:\\$.*)?");
    /** What an operation's classes are named after the operation's name. */
    private static final List<String> OPERATION_SUFFIXES = List.of("Request", "Response", "ResponseHandler", "EventStream",
            "RequestMarshaller", "Iterable", "Publisher");

    private static final String METADATA_PROVIDER = "software/amazon/awssdk/regions/GeneratedServiceMetadataProvider";
    private static final String METADATA = "software/amazon/awssdk/regions/servicemetadata/";
    private static final String SERVICE_METADATA = "software/amazon/awssdk/regions/ServiceMetadata";
    private static final int ACC_PUBLIC = 0x0001;
    private static final int ACC_FINAL = 0x0010;
    private static final int ACC_SUPER = 0x0020;
    private static final int ACC_ABSTRACT = 0x0400;

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
            // The presigner builds the marshallers of every operation it can presign when it is
            // built: what it names stays, as Parley's code.
            boolean client = SERVICE_CODE.matcher(name).matches() && !name.contains("Presigner");
            for (String reference : entry.getValue().references()) {
                String operation = client ? operationOf(reference, classes, operations) : null;
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
            String operation = operationOf(name, classes, operations);
            if (operation != null && usedOperations.add(operation)) {
                clientReferencesByOperation.getOrDefault(operation, List.of()).forEach(reach::add);
            }
            ClassInfo info = classes.get(name);
            info.references().forEach(reach::add);
            reach.add(info.superName());
            info.interfaces().forEach(reach::add);
        }

        // The metadata of the services whose clients the jar holds stays; the other 300 are created
        // by the provider's static initializer and never asked for.
        Set<String> serviceStrings = new HashSet<>();
        classes.forEach((name, info) -> {
            if (SERVICE_CODE.matcher(name).matches()) {
                serviceStrings.addAll(info.strings());
            }
        });
        Set<String> unusedMetadata = new HashSet<>();
        ClassInfo provider = classes.get(METADATA_PROVIDER);
        if (provider != null) {
            provider.createdAfterString().forEach((type, endpointPrefix) -> {
                if (type.startsWith(METADATA) && classes.containsKey(type) && !serviceStrings.contains(endpointPrefix)) {
                    unusedMetadata.add(type);
                }
            });
        }

        int removed = 0;
        int stubbed = 0;
        long removedBytes = 0;
        Path trimmed = jar.resolveSibling(jar.getFileName() + ".trimmed");
        try (OutputStream out = Files.newOutputStream(trimmed); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.setLevel(9);
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                String name = entry.getKey();
                String className = name.endsWith(".class") ? name.substring(0, name.length() - ".class".length()) : null;
                byte[] data = entry.getValue();
                if (className != null && PRUNABLE.matcher(className).matches() && !kept.contains(className)) {
                    if (!loadedOnly.contains(className)) {
                        removed++;
                        removedBytes += data.length;
                        continue;
                    }
                    stubbed++;
                    removedBytes += data.length;
                    data = stub(className, classes.get(className), null);
                    removedBytes -= data.length;
                } else if (className != null && unusedMetadata.contains(className)) {
                    stubbed++;
                    removedBytes += data.length;
                    data = stub(className, classes.get(className), SERVICE_METADATA);
                    removedBytes -= data.length;
                }
                ZipEntry copy = new ZipEntry(name);
                copy.setTime(times.get(name));
                zip.putNextEntry(copy);
                zip.write(data);
                zip.closeEntry();
            }
        }
        Files.move(trimmed, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        System.out.printf("%s: %d SDK model classes no function loads removed, %d only loaded reduced to their name and "
                        + "supertypes (%d of them the metadata of services without a client here; %.1f MB unzipped); "
                        + "%d operations used: %s%n",
                jar.getFileName(), removed, stubbed, unusedMetadata.size(), removedBytes / 1e6, usedOperations.size(),
                new java.util.TreeSet<>(usedOperations));
    }

    /**
     * A class file holding only what the JVM needs of a class nothing uses: its name and superclass.
     * A request or response of an unused operation is loaded by the verifier when a client method
     * passes it on, and compared by {@code instanceof} tests; nothing creates one (its builder is
     * gone), so nothing initializes it or calls a method on it: no member, no interface. The metadata
     * of a service without a client in the jar ({@code anInterface} its {@code ServiceMetadata}) is
     * created by the metadata provider's static initializer and never asked anything: it keeps its
     * interface and a constructor that does nothing.
     */
    private static byte[] stub(String name, ClassInfo info, String anInterface) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(0xCAFEBABE);
            out.writeShort(0);
            out.writeShort(info.major());
            // The constant pool: #2 the class, #4 its superclass (#1 and #3 their names); with an
            // interface, #6 the interface and #10 the superclass's constructor.
            out.writeShort(anInterface == null ? 5 : 12);
            utf8(out, name);
            out.writeByte(7);
            out.writeShort(1);
            utf8(out, info.superName());
            out.writeByte(7);
            out.writeShort(3);
            if (anInterface != null) {
                utf8(out, anInterface); // #5
                out.writeByte(7); // #6
                out.writeShort(5);
                utf8(out, "<init>"); // #7
                utf8(out, "()V"); // #8
                out.writeByte(12); // #9: name and type
                out.writeShort(7);
                out.writeShort(8);
                out.writeByte(10); // #10: method reference
                out.writeShort(4);
                out.writeShort(9);
                utf8(out, "Code"); // #11
            }
            out.writeShort(info.access() & (ACC_PUBLIC | ACC_FINAL | ACC_SUPER | ACC_ABSTRACT));
            out.writeShort(2);
            out.writeShort(4);
            if (anInterface == null) {
                out.writeShort(0); // interfaces
                out.writeShort(0); // fields
                out.writeShort(0); // methods
            } else {
                out.writeShort(1);
                out.writeShort(6);
                out.writeShort(0); // fields
                out.writeShort(1); // methods: public <init>()V { super(); }
                out.writeShort(ACC_PUBLIC);
                out.writeShort(7);
                out.writeShort(8);
                out.writeShort(1);
                out.writeShort(11);
                out.writeInt(17);
                out.writeShort(1); // max stack
                out.writeShort(1); // max locals
                out.writeInt(5);
                out.write(new byte[] {0x2a, (byte) 0xb7, 0, 10, (byte) 0xb1}); // aload_0, invokespecial #10, return
                out.writeShort(0); // exception table
                out.writeShort(0); // code attributes
            }
            out.writeShort(0); // attributes
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void utf8(DataOutputStream out, String value) throws IOException {
        out.writeByte(1);
        out.writeUTF(value);
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

    /**
     * The operation a class belongs to, or null: its own (see {@link #operation}), or that of an
     * interface of it or of its outer class (the events of an operation's event stream implement
     * the stream's interface: S3's {@code RecordsEvent} is {@code SelectObjectContentEventStream}).
     */
    private static String operationOf(String name, Map<String, ClassInfo> classes, Map<String, Set<String>> operations) {
        String operation = operation(name, operations);
        if (operation != null || !PRUNABLE.matcher(name).matches()) {
            return operation;
        }
        ClassInfo outer = classes.get(name.split("\\$")[0]);
        if (outer == null) {
            return null;
        }
        return outer.interfaces().stream().map(type -> operation(type, operations)).filter(java.util.Objects::nonNull)
                .findFirst().orElse(null);
    }

    /** The operation a request, response, marshaller or paginator class belongs to, or null. */
    private static String operation(String name, Map<String, Set<String>> operations) {
        Matcher matcher = OPERATION_CLASS.matcher(name);
        if (!matcher.matches()) {
            return null;
        }
        String operation = matcher.group(2) != null ? matcher.group(2) : matcher.group(3) != null ? matcher.group(3) : matcher.group(4);
        // Greedy names first: GetObjectRetentionRequest is GetObjectRetention's, not GetObject's. Case
        // apart: SNS's ListSMSSandboxPhoneNumbersIterable pages ListSmsSandboxPhoneNumbers.
        Set<String> known = operations.getOrDefault(matcher.group(1), Set.of());
        String simple = name.substring(name.lastIndexOf('/') + 1).split("\\$")[0];
        String best = null;
        for (String candidate : known) {
            for (String suffix : OPERATION_SUFFIXES) {
                if (simple.equalsIgnoreCase(candidate + suffix) && (best == null || candidate.length() > best.length())) {
                    best = candidate;
                }
            }
        }
        if (best != null) {
            return best;
        }
        return known.stream().filter(candidate -> candidate.equalsIgnoreCase(operation)).findFirst().orElse(null);
    }

    /**
     * What a class file names: its superclass, interfaces, every SDK model class in its constant
     * pool, its string constants, and which class its code creates right after loading which string
     * ({@code ldc "dynamodb"; new DynamodbServiceMetadata}: how the metadata provider pairs them).
     */
    private record ClassInfo(int major, int access, String superName, List<String> interfaces, Set<String> references,
                             Set<String> strings, Map<String, String> createdAfterString) {
        static ClassInfo parse(byte[] data) {
            java.io.ByteArrayInputStream bytes = new java.io.ByteArrayInputStream(data);
            try (DataInputStream in = new DataInputStream(bytes)) {
                in.readInt();
                in.readUnsignedShort();
                int major = in.readUnsignedShort();
                int count = in.readUnsignedShort();
                String[] utf8 = new String[count];
                int[] classIndex = new int[count];
                int[] stringIndex = new int[count];
                for (int i = 1; i < count; i++) {
                    int tag = in.readUnsignedByte();
                    switch (tag) {
                        case 1 -> utf8[i] = in.readUTF();
                        case 7 -> classIndex[i] = in.readUnsignedShort();
                        case 8 -> stringIndex[i] = in.readUnsignedShort();
                        case 16, 19, 20 -> in.readUnsignedShort();
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
                Map<String, String> createdAfterString = new HashMap<>();
                for (int at = data.length - bytes.available(); at + 5 < data.length; at++) {
                    boolean ldc = (data[at] & 0xff) == 0x12;
                    int string = ldc ? data[at + 1] & 0xff : unsignedShort(data, at + 1);
                    int next = at + (ldc ? 2 : 3);
                    if ((ldc || (data[at] & 0xff) == 0x13) && next + 2 < data.length && (data[next] & 0xff) == 0xbb
                            && string < count && stringIndex[string] != 0) {
                        int created = unsignedShort(data, next + 1);
                        if (created < count && classIndex[created] != 0) {
                            createdAfterString.put(utf8[classIndex[created]], utf8[stringIndex[string]]);
                        }
                    }
                }
                int access = in.readUnsignedShort();
                in.readUnsignedShort();
                int superIndex = in.readUnsignedShort();
                int interfaceCount = in.readUnsignedShort();
                List<String> interfaces = new ArrayList<>();
                for (int i = 0; i < interfaceCount; i++) {
                    interfaces.add(utf8[classIndex[in.readUnsignedShort()]]);
                }
                Set<String> references = new HashSet<>();
                Set<String> strings = new HashSet<>();
                for (int i = 1; i < count; i++) {
                    if (stringIndex[i] != 0) {
                        strings.add(utf8[stringIndex[i]]);
                    }
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
                String superName = superIndex == 0 ? "java/lang/Object" : utf8[classIndex[superIndex]];
                return new ClassInfo(major, access, superName, interfaces, references, strings, createdAfterString);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        private static int unsignedShort(byte[] data, int at) {
            return (data[at] & 0xff) << 8 | data[at + 1] & 0xff;
        }
    }
}
