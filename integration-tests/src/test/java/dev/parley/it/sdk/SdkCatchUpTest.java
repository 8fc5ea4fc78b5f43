package dev.parley.it.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.HistoryPage;
import dev.parley.client.Message;
import dev.parley.client.ParleyClient;
import dev.parley.it.support.Parley;
import dev.parley.it.support.WsClient;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.protocol.FrameCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 3: a new device catches up twenty conversations of maximum-size (16 KiB)
 * messages completely, and no reply it waited for was over 128 KB. The local gateway does not
 * deliver a route response over 128 KB, as API Gateway does not, so a page too big would never
 * arrive and this test would time out; {@code oversizedReplies} says so outright.
 */
class SdkCatchUpTest {
    private static final int CONVERSATIONS = 20;
    private static final int MESSAGES_EACH = 4;

    @Test
    void aNewDeviceCatchesUpTwentyConversationsOfMaximumSizeMessagesWithNoReplyOverTheLimit() {
        String reader = Parley.user("reader");
        long oversizedBefore = Parley.runtime().gateway().oversizedReplies();
        List<String> conversations = new ArrayList<>();
        for (int c = 0; c < CONVERSATIONS; c++) {
            String writer = Parley.user("writer" + c);
            conversations.add(ConversationId.direct(reader, writer));
            try (WsClient socket = Parley.connect(writer)) {
                for (int i = 0; i < MESSAGES_EACH; i++) {
                    assertThat(socket.send(reader, "m" + i, maximumText(c, i)).path("type").asText()).isEqualTo("sent");
                }
            }
        }

        Sdk.App app = new Sdk.App("new phone");
        try (ParleyClient phone = Sdk.connect(reader, "new-phone", app)) {
            // connect() completes once the sync rounds are over: the listing names every conversation,
            // each caught up to its newest message.
            Sdk.await().until(() -> app.conversations.get().size() == CONVERSATIONS);
            for (String conversation : conversations) {
                Sdk.await().until(() -> app.seqs(conversation).contains((long) MESSAGES_EACH));
                // What sync did not bring (a page cut by size keeps the newest), history brings.
                List<Long> held = app.seqs(conversation);
                List<Long> older = new ArrayList<>();
                if (held.get(0) > 1) {
                    HistoryPage page = phone.history(conversation, held.get(0), 50).orTimeout(30, TimeUnit.SECONDS).join();
                    page.messages().stream().map(Message::seq).forEach(older::add);
                    assertThat(page.hasMore()).isFalse();
                }
                List<Long> all = new ArrayList<>(older);
                all.addAll(held);
                assertThat(all).as(conversation).isEqualTo(Sdk.storedSeqs(conversation));
                assertThat(app.texts(conversation)).allSatisfy(text -> assertThat(text).hasSizeGreaterThan(16_000));
            }
            assertThat(app.violations).isEmpty();
        }
        assertThat(Parley.runtime().gateway().oversizedReplies()).isEqualTo(oversizedBefore);
    }

    /** The text of a body of exactly the largest serialized size a send accepts ({"text":"..."}). */
    private static String maximumText(int conversation, int message) {
        String mark = conversation + "-" + message + ":";
        return mark + "x".repeat(FrameCodec.MAX_BODY_BYTES - "{\"text\":\"\"}".length() - mark.length());
    }
}
