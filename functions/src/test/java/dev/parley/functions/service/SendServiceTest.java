package dev.parley.functions.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.functions.support.memory.CountingRateLimiter;
import dev.parley.functions.support.memory.InMemoryConversationStore;
import dev.parley.functions.support.memory.InMemoryIdempotencyStore;
import dev.parley.functions.support.memory.InMemoryMessageStore;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.domain.Gap;
import dev.parley.model.domain.Message;
import dev.parley.model.errors.ConflictException;
import dev.parley.model.errors.ErrorCode;
import dev.parley.model.errors.RateLimitedException;
import dev.parley.model.protocol.ClientCommand;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The send rules against in-memory stores: idempotency, conflicts, budget, gaps. */
class SendServiceTest {
    private final InMemoryConversationStore conversations = new InMemoryConversationStore();
    private final InMemoryMessageStore messages = new InMemoryMessageStore();
    private final CountingRateLimiter budget = new CountingRateLimiter(5);
    private final SendService sends = new SendService(conversations, messages, new InMemoryIdempotencyStore(), budget,
            Clock.systemUTC(), Duration.ofHours(48));
    private final Caller alice = new Caller("alice", "phone", "conn-a");
    private final String conversation = ConversationId.direct("alice", "bob");

    private SendReceipt send(String clientMsgId, String body) {
        return sends.send(alice, new ClientCommand.Send("r", null, "bob", clientMsgId, body));
    }

    @Test
    void aResendOfAStoredClientMsgIdDrawsNoSeqWritesNoGapAndSpendsABudgetToken() {
        SendReceipt first = send("c-1", "{\"text\":\"hi\"}");
        for (int i = 0; i < 3; i++) {
            assertThat(send("c-1", "{\"text\":\"hi\"}")).isEqualTo(first);
        }
        assertThat(conversations.meta(conversation).orElseThrow().lastSeq()).isEqualTo(1);
        assertThat(messages.entries(conversation)).singleElement().isInstanceOf(Message.class);
        assertThat(budget.spent("alice")).isEqualTo(4);
    }

    @Test
    void resendsPastTheBudgetAreRefusedLikeAnySend() {
        send("c-1", "{\"text\":\"hi\"}");
        for (int i = 0; i < 4; i++) {
            send("c-1", "{\"text\":\"hi\"}");
        }
        assertThatThrownBy(() -> send("c-1", "{\"text\":\"hi\"}")).isInstanceOf(RateLimitedException.class);
        assertThat(messages.entries(conversation)).hasSize(1);
    }

    @Test
    void aFirstSendPastTheBudgetIsRefusedStoresNothingAndDrawsNoSeq() {
        for (int i = 0; i < 5; i++) {
            send("c-" + i, "{\"text\":\"hi\"}");
        }
        assertThatThrownBy(() -> send("c-5", "{\"text\":\"hi\"}")).isInstanceOf(RateLimitedException.class)
                .satisfies(e -> assertThat(((RateLimitedException) e).retryAfterMs()).isPositive());
        assertThat(conversations.meta(conversation).orElseThrow().lastSeq()).isEqualTo(5);
        assertThat(messages.entries(conversation)).hasSize(5).allSatisfy(entry -> assertThat(entry).isInstanceOf(Message.class));
    }

    @Test
    void aBudgetThatCannotBeDecidedFailsTheSendBeforeASeqIsDrawn() {
        SendService unreachable = new SendService(conversations, messages, new InMemoryIdempotencyStore(), userId -> {
            throw new IllegalStateException("the rate-limits table is unreachable");
        }, Clock.systemUTC(), Duration.ofHours(48));
        assertThatThrownBy(() -> unreachable.send(alice, new ClientCommand.Send("r", null, "bob", "c-1", "{\"text\":\"hi\"}")))
                .hasMessageContaining("unreachable");
        assertThat(conversations.meta(conversation)).isEmpty();
        assertThat(messages.entries(conversation)).isEmpty();
    }

    @Test
    void aGroupSendFromANonMemberAnswersNotMemberSpendsNoTokenAndStoresNothing() {
        String group = ConversationId.group("g1");
        conversations.createGroup(group, "team", "bob", java.util.List.of("bob", "carol"), 1);
        for (int i = 0; i < 10; i++) {
            String clientMsgId = "c-" + i;
            assertThatThrownBy(() -> sends.send(alice, new ClientCommand.Send("r", group, null, clientMsgId, "{\"text\":\"hi\"}")))
                    .satisfies(e -> assertThat(ErrorCode.of(e)).isEqualTo(ErrorCode.NOT_MEMBER));
        }
        assertThat(budget.spent("alice")).as("an outsider's attempts spend no send token").isZero();
        assertThat(conversations.meta(group).orElseThrow().lastSeq()).isZero();
        assertThat(messages.entries(group)).isEmpty();
    }

    @Test
    void aGroupMemberWithinBudgetSendsAndSpendsOneToken() {
        String group = ConversationId.group("g2");
        conversations.createGroup(group, "team", "bob", java.util.List.of("alice", "bob"), 1);
        SendReceipt sent = sends.send(alice, new ClientCommand.Send("r", group, null, "c-1", "{\"text\":\"hi\"}"));
        assertThat(sent.seq()).isEqualTo(1);
        assertThat(messages.entries(group)).singleElement().isInstanceOf(Message.class);
        assertThat(budget.spent("alice")).isEqualTo(1);
    }

    @Test
    void aClientMsgIdReusedWithOtherContentAnswersConflictAndStoresNothing() {
        SendReceipt first = send("c-1", "{\"text\":\"hi\"}");
        assertThatThrownBy(() -> send("c-1", "{\"text\":\"something else\"}"))
                .isInstanceOf(ConflictException.class)
                .satisfies(e -> assertThat(ErrorCode.of(e)).isEqualTo(ErrorCode.CONFLICT));
        assertThat(messages.entries(conversation)).singleElement()
                .satisfies(entry -> assertThat(((Message) entry).bodyJson()).isEqualTo("{\"text\":\"hi\"}"));
        assertThat(conversations.meta(conversation).orElseThrow().lastSeq()).isEqualTo(first.seq());
    }

    @Test
    void aClaimWhoseMessageWasNeverStoredIsStoredAtItsSeqByTheResend() {
        // An attempt claimed seq 1 and died before storing the message.
        long seq = conversations.allocateSeq(conversation, 1).seq();
        InMemoryIdempotencyStore idempotency = new InMemoryIdempotencyStore();
        idempotency.claim(new dev.parley.functions.store.IdempotencyStore.Key(conversation, "alice", "slow"), seq, 1,
                SendService.contentHash("{\"text\":\"late\"}"), Long.MAX_VALUE);
        SendService service = new SendService(conversations, messages, idempotency, budget, Clock.systemUTC(),
                Duration.ofHours(48));

        SendReceipt receipt = service.send(alice, new ClientCommand.Send("r", null, "bob", "slow", "{\"text\":\"late\"}"));

        assertThat(receipt.seq()).isEqualTo(seq);
        assertThat(messages.entries(conversation)).singleElement().isInstanceOf(Message.class);
        assertThat(conversations.meta(conversation).orElseThrow().lastSeq()).isEqualTo(seq);
    }

    @Test
    void aClaimWhoseSeqWasDeclaredAGapMovesToAFreshSeq() {
        long seq = conversations.allocateSeq(conversation, 1).seq();
        InMemoryIdempotencyStore idempotency = new InMemoryIdempotencyStore();
        idempotency.claim(new dev.parley.functions.store.IdempotencyStore.Key(conversation, "alice", "slow"), seq, 1,
                null, Long.MAX_VALUE);
        messages.putIfAbsent(new Gap(conversation, seq));
        SendService service = new SendService(conversations, messages, idempotency, budget, Clock.systemUTC(),
                Duration.ofHours(48));

        SendReceipt receipt = service.send(alice, new ClientCommand.Send("r", null, "bob", "slow", "{\"text\":\"late\"}"));

        assertThat(receipt.seq()).isEqualTo(seq + 1);
        assertThat(messages.get(conversation, seq)).containsInstanceOf(Gap.class);
    }
}
