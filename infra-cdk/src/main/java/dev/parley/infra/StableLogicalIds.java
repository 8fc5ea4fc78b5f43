package dev.parley.infra;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import software.constructs.IConstruct;

/**
 * The CDK's logical-id algorithm ({@code makeUniqueId} in aws-cdk-lib's core), applied to a path
 * from which {@link Concern} scopes are left out. A resource keeps the id it had when it was
 * declared directly in the stack, so that organizing the app by concern replaces nothing that is
 * deployed. {@code StableLogicalIdsTest} pins the ids of the deployed resources.
 */
final class StableLogicalIds {
    private static final String HIDDEN_ID = "Default";
    private static final String HIDDEN_FROM_HUMAN_ID = "Resource";
    private static final int HASH_LENGTH = 8;
    private static final int MAX_HUMAN_LENGTH = 240;
    private static final int MAX_ID_LENGTH = 255;

    private StableLogicalIds() {}

    /** The logical id of a resource at this construct path (relative to its stack). */
    static String of(List<String> path) {
        List<String> components = path.stream().filter(component -> !component.equals(HIDDEN_ID)).toList();
        if (components.isEmpty()) {
            throw new IllegalArgumentException("Unable to calculate a unique id for an empty set of components");
        }
        if (components.size() == 1) {
            String candidate = alphanumeric(components.get(0));
            if (candidate.length() <= MAX_ID_LENGTH) {
                return candidate;
            }
        }
        List<String> human = new ArrayList<>();
        for (String component : components) {
            if (human.isEmpty() || !human.get(human.size() - 1).endsWith(component)) {
                human.add(component);
            }
        }
        String readable = human.stream().filter(component -> !component.equals(HIDDEN_FROM_HUMAN_ID))
                .map(StableLogicalIds::alphanumeric).collect(Collectors.joining());
        readable = readable.substring(0, Math.min(readable.length(), MAX_HUMAN_LENGTH));
        return readable + md5(String.join("/", components)).substring(0, HASH_LENGTH).toUpperCase(Locale.ROOT);
    }

    /**
     * {@code Names.nodeUniqueId} of the CDK, without {@link Concern} scopes: the CDK names some
     * constructs after another's unique id (an event source mapping after its table or queue), and
     * a renamed mapping would be replaced (re-reading a stream from its trim horizon).
     */
    static String nodeUniqueId(IConstruct construct) {
        List<IConstruct> scopes = construct.getNode().getScopes();
        List<String> path = new ArrayList<>();
        for (IConstruct scope : scopes.subList(1, scopes.size())) {
            if (!(scope instanceof Concern)) {
                path.add(scope.getNode().getId());
            }
        }
        return of(path);
    }

    private static String alphanumeric(String component) {
        return component.replaceAll("[^A-Za-z0-9]", "");
    }

    private static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
