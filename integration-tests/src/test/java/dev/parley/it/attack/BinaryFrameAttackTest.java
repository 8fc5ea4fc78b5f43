package dev.parley.it.attack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.it.support.WsClient;
import dev.parley.model.domain.ConversationId;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 10: binary frames got no answer at all. API Gateway refuses a binary frame and
 * closes the connection with 1003 (docs: "Binary media types for WebSocket APIs in API
 * Gateway"); the local gateway does the same, and nothing else is disturbed.
 */
class BinaryFrameAttackTest {
    private final Target target = Target.shared();

    @Test
    @Disabled("waits for binary frames closed with 1003 (gateway): issue 13 item 10")
    void aBinaryFrameClosesTheConnectionWith1003AsApiGatewayDoes() {
        String mallory = Target.user("mallory");
        String bob = Target.user("bob");
        WsClient m = target.connect(mallory);
        m.sendBinary(("{\"action\":\"send\",\"to\":\"" + bob + "\",\"clientMsgId\":\"bin\",\"body\":{\"text\":\"x\"}}")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(m.awaitClose()).isEqualTo(1003);
        m.close();
        assertThat(m.received(f -> true)).as("frames answered to a binary frame").isEmpty();
        assertThat(target.stored().messages(ConversationId.direct(mallory, bob))).isEmpty();
        // The same user connects again, and everyone else goes on.
        try (WsClient again = target.connect(mallory)) {
            Target.stillServes(again);
        }
        target.othersStillChat();
    }
}
