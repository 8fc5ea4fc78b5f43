package dev.parley.functions.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.functions.support.memory.CountingRateLimiter;
import dev.parley.functions.support.memory.InMemoryBlockStore;
import dev.parley.functions.support.memory.InMemoryConversationStore;
import dev.parley.model.errors.BadRequestException;
import dev.parley.model.errors.RateLimitedException;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** Blocks and mute against in-memory stores: the rules before any write, and the budgets of both routes. */
class SettingsServiceTest {
    private final InMemoryBlockStore blocks = new InMemoryBlockStore();

    /** No sync store: a call that reached it would fail, so these tests also show nothing was written there. */
    private SettingsService settings(int blockTokens, int settingsTokens) {
        return new SettingsService(blocks, null, new ConversationAccess(new InMemoryConversationStore()), Clock.systemUTC(),
                new Budget("blocks", new CountingRateLimiter(blockTokens)),
                new Budget("conversation-settings", new CountingRateLimiter(settingsTokens)), null);
    }

    @Test
    void blocksAreIdempotentAndSpendTheBlocksBudgetUntilItRefuses() {
        SettingsService service = settings(3, 0);
        service.block("alice", "bob");
        service.block("alice", "bob");
        assertThat(service.blocked("alice")).containsExactly("bob");
        assertThatThrownBy(() -> service.unblock("alice", "bob")).isInstanceOf(RateLimitedException.class);
        assertThat(blocks.blocked("alice")).containsExactly("bob");
    }

    @Test
    void blockingOneselfOrAnInvalidIdIsABadRequestAndStoresNothing() {
        SettingsService service = settings(10, 0);
        assertThatThrownBy(() -> service.block("alice", "alice")).isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> service.block("alice", "not valid")).isInstanceOf(BadRequestException.class);
        assertThat(blocks.blocked("alice")).isEmpty();
    }

    @Test
    void aMuteOverTheSettingsBudgetIsRefusedBeforeAnythingIsRead() {
        assertThatThrownBy(() -> settings(10, 0).setMuted("alice", "dm:alice:bob", true))
                .isInstanceOf(RateLimitedException.class);
    }
}
