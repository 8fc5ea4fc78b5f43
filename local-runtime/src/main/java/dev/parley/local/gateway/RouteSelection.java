package dev.parley.local.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.function.Predicate;

/**
 * API Gateway's route selection expression {@code $request.body.action}, evaluated as API Gateway
 * evaluates it: the message is read as plain JSON (nothing of Parley's protocol); when it is a JSON
 * object whose top-level {@code action} is a string naming a custom route, that route is selected;
 * otherwise (not JSON, not an object, no {@code action}, an action of another type or one without a
 * route) the message goes to {@code $default}. AWS stringifies a non-string result ("5", "true"),
 * which can never equal one of Parley's route keys, so the outcome is the same.
 *
 * <p>Source: "Non-JSON messages are directed to a $default route" and "If the route selection
 * expression cannot be evaluated against the message, or if no matching route is found, the
 * $default route is invoked" (docs/local-runtime.md cites the pages).
 */
public final class RouteSelection {
    public static final String DEFAULT = "$default";

    /** Deeper than any frame the functions accept; deeper input is not JSON we route on. */
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(1_000).build())
            .build();

    private RouteSelection() {}

    /**
     * @param message      the whole text message as the client sent it
     * @param customRoutes whether the API has a custom (not {@code $}-prefixed) route with this key
     * @return the route key to invoke
     */
    public static String select(String message, Predicate<String> customRoutes) {
        String action = action(message);
        return action != null && !action.startsWith("$") && customRoutes.test(action) ? action : DEFAULT;
    }

    /** The top-level string {@code action} of a message that is one whole JSON object, else null. */
    static String action(String message) {
        try (JsonParser parser = JSON.createParser(message)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String action = null;
            boolean seen = false;
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_OBJECT) {
                if (token != JsonToken.FIELD_NAME) {
                    return null;
                }
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("action".equals(field)) {
                    // Duplicate keys: the last one counts, as for a JSON parser building an object.
                    seen = true;
                    action = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                }
                parser.skipChildren();
            }
            if (parser.nextToken() != null) {
                return null; // trailing content: not one JSON value
            }
            return seen ? action : null;
        } catch (IOException | RuntimeException notJson) {
            return null;
        }
    }
}
