package dev.parley.it.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.it.support.WsClient;
import dev.parley.model.domain.ConversationId;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 13, the family that already holds: malformed frames of every shape are answered with an
 * error frame and a stable code, store nothing, and leave the connection and other users working.
 */
class MalformedFrameAttackTest {
    private final Target target = Target.shared();

    static Stream<Arguments> frames() {
        String nested = "[".repeat(5_000) + "]".repeat(5_000);
        return Stream.of(
                Arguments.of("truncated JSON", "{\"action\":\"send\",\"to\":", "BAD_REQUEST"),
                Arguments.of("not JSON at all", "hello server", "BAD_REQUEST"),
                Arguments.of("empty text", "", "BAD_REQUEST"),
                Arguments.of("a JSON string", "\"send\"", "BAD_REQUEST"),
                Arguments.of("a JSON number", "42", "BAD_REQUEST"),
                Arguments.of("JSON null", "null", "BAD_REQUEST"),
                Arguments.of("an array", "[{\"action\":\"heartbeat\"}]", "BAD_REQUEST"),
                Arguments.of("five thousand nested arrays", nested, "BAD_REQUEST"),
                Arguments.of("a body nested five thousand deep",
                        "{\"action\":\"send\",\"to\":\"BOB\",\"clientMsgId\":\"deep\",\"body\":{\"x\":" + nested + "}}",
                        "BAD_REQUEST"),
                Arguments.of("action null", "{\"action\":null}", "BAD_REQUEST"),
                Arguments.of("action an object", "{\"action\":{\"$ne\":1}}", "BAD_REQUEST"),
                Arguments.of("an unknown action", "{\"action\":\"deleteEverything\"}", "UNKNOWN_ACTION"),
                Arguments.of("a route key 10,000 characters long", "{\"action\":\"" + "a".repeat(10_000) + "\"}",
                        "UNKNOWN_ACTION"),
                Arguments.of("seq a string", "{\"action\":\"read\",\"conversationId\":\"CONV\",\"seq\":\"1\"}", "BAD_REQUEST"),
                Arguments.of("seq negative", "{\"action\":\"read\",\"conversationId\":\"CONV\",\"seq\":-1}", "BAD_REQUEST"),
                Arguments.of("seq beyond a long", "{\"action\":\"ack\",\"conversationId\":\"CONV\",\"seq\":1e400}",
                        "BAD_REQUEST"),
                Arguments.of("limit negative", "{\"action\":\"history\",\"conversationId\":\"CONV\",\"limit\":-5}",
                        "BAD_REQUEST"),
                Arguments.of("cursors an array", "{\"action\":\"sync\",\"cursors\":[1,2]}", "BAD_REQUEST"),
                Arguments.of("clientMsgId with a NUL",
                        "{\"action\":\"send\",\"to\":\"BOB\",\"clientMsgId\":\"a\\u0000b\",\"body\":{\"text\":\"x\"}}",
                        "BAD_REQUEST"),
                Arguments.of("to an empty string",
                        "{\"action\":\"send\",\"to\":\"\",\"clientMsgId\":\"a\",\"body\":{\"text\":\"x\"}}", "BAD_REQUEST"),
                Arguments.of("to with a colon",
                        "{\"action\":\"send\",\"to\":\"BOB:x\",\"clientMsgId\":\"a\",\"body\":{\"text\":\"x\"}}",
                        "BAD_REQUEST"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("frames")
    void aMalformedFrameIsRefusedWithItsCodeAndStoresNothing(String shape, String frame, String code) {
        String mallory = Target.user("mallory");
        String bob = Target.user("bob");
        String conversation = ConversationId.direct(mallory, bob);
        try (WsClient m = target.connect(mallory)) {
            m.sendText(frame.replace("BOB", bob).replace("CONV", conversation));
            JsonNode error = m.await(f -> "error".equals(f.path("type").asText()));
            assertThat(error.get("code").asText()).as(shape).isEqualTo(code);
            assertThat(error.get("message").asText()).as(shape + ": a human-readable message").isNotBlank();
            Target.stillServes(m);
            assertThat(m.received(f -> "error".equals(f.path("type").asText()))).as(shape + ": one answer").hasSize(1);
        }
        assertThat(target.stored().conversationItems(conversation)).as(shape).isEmpty();
        assertThat(target.stored().timeline(conversation)).as(shape).isEmpty();
        assertThat(target.stored().conversationsOf(mallory)).as(shape).isEmpty();
        target.othersStillChat();
    }
}
