package dev.parley.functions.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.functions.store.ConversationStore;
import dev.parley.functions.store.dynamodb.DynamoInboxStore;
import dev.parley.functions.support.TestDynamo;
import dev.parley.functions.support.memory.InMemoryConversationStore;
import dev.parley.functions.support.memory.InMemoryMessageStore;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.config.Setting;
import dev.parley.model.protocol.ClientCommand;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What one sync may cost, whatever cursors it carries. */
class SyncServiceTest {
    private final InMemoryConversationStore store = new InMemoryConversationStore();
    private final InMemoryMessageStore messages = new InMemoryMessageStore();
    private final AtomicInteger keyReads = new AtomicInteger();
    /** The store, counting its reads by key (membership, existence). */
    private final ConversationStore counting = (ConversationStore) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {ConversationStore.class}, (proxy, method, args) -> {
                if (method.getName().equals("membership") || method.getName().equals("exists")) {
                    keyReads.incrementAndGet();
                }
                return method.invoke(store, args);
            });
    /** Unread counts come from the sync store (DynamoDB Local); it reads nothing on the conversation store. */
    private final SyncService sync = new SyncService(counting,
            new DynamoInboxStore(TestDynamo.client(), TestDynamo.table(Setting.INBOX_TABLE)),
            new ConversationAccess(counting), new TimelineReader(messages, Clock.systemUTC()), SyncService.Budgets.unlimited(),
            Clock.systemUTC());

    /** Issue 13: 1,500 cursors of groups the caller is not in cost about 3,000 reads. */
    @Test
    void cursorsOfConversationsTheCallerIsNotListedInAreLookedUpAFewAtATime() {
        String mine = ConversationId.direct("mallory", "bob");
        store.allocateSeq(mine, 1);
        store.recordDirectMembers(mine, List.of("mallory", "bob"), 1);
        Map<String, Long> cursors = new LinkedHashMap<>();
        cursors.put(mine, 0L);
        for (int i = 0; i < 900; i++) {
            cursors.put("grp:someone-else-" + i, 0L);
        }

        var updates = sync.sync(new Caller("mallory", "phone", "c"), new ClientCommand.Sync("r", cursors, 50));

        assertThat(updates).extracting(update -> update.summary().conversationId()).containsExactly(mine);
        assertThat(keyReads.get()).isLessThanOrEqualTo(2 * SyncService.MAX_UNLISTED_CURSORS);
    }
}
