package dev.parley.local.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code $request.body.action} as API Gateway evaluates it: plain JSON, nothing of Parley's
 * protocol. A frame the functions would refuse (a 65-character requestId, a missing body) still
 * goes to its action's route, where the function answers it, exactly as on AWS.
 */
class RouteSelectionTest {
    private static final Set<String> ROUTES = Set.of("send", "heartbeat", "sync");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "a known action                    | {\"action\":\"send\",\"to\":\"bob\"}                      | send",
            "a requestId the protocol refuses  | {\"action\":\"send\",\"requestId\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"} | send",
            "action after other fields         | {\"to\":{\"deep\":[1,2,{\"action\":\"sync\"}]},\"action\":\"heartbeat\"} | heartbeat",
            "an action without a route         | {\"action\":\"teleport\"}                               | $default",
            "no action                         | {\"to\":\"bob\"}                                         | $default",
            "an action nested, not top level   | {\"frame\":{\"action\":\"send\"}}                        | $default",
            "an action that is a number        | {\"action\":5}                                           | $default",
            "an action that is an object       | {\"action\":{\"name\":\"send\"}}                         | $default",
            "an action that is null            | {\"action\":null}                                        | $default",
            "a predefined route key            | {\"action\":\"$connect\"}                               | $default",
            "a JSON array                      | [{\"action\":\"send\"}]                                  | $default",
            "a JSON string                     | `\"send\"`                                               | $default",
            "not JSON                          | action=send                                              | $default",
            "truncated JSON                    | {\"action\":\"send\",\"to\":                             | $default",
            "trailing garbage                  | {\"action\":\"send\"} x                                  | $default",
            "two JSON values                   | {\"action\":\"send\"}{\"action\":\"sync\"}               | $default",
            "the last duplicate key counts     | {\"action\":\"send\",\"action\":\"sync\"}                | sync",
            "case matters                      | {\"action\":\"SEND\"}                                    | $default",
            "whitespace around the object      | `  {\"action\" : \"sync\"}  `                            | sync",
    })
    void selectsTheRouteOfTheTopLevelStringAction(String description, String message, String route) {
        assertThat(RouteSelection.select(message, ROUTES::contains)).as(description).isEqualTo(route);
    }

    @Test
    void nestingDeeperThanAnyFrameGoesToDefaultWithoutFailing() {
        String deep = "{\"action\":\"send\",\"x\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}";
        assertThat(RouteSelection.select(deep, ROUTES::contains)).isEqualTo("$default");
    }

    @Test
    void anEmptyMessageGoesToDefault() {
        assertThat(RouteSelection.select("", ROUTES::contains)).isEqualTo("$default");
    }
}
