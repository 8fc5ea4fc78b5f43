package dev.parley.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.parley.client.ErrorCode;
import dev.parley.client.Sent;
import dev.parley.client.To;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class OutboxTest {
    private final Outbox outbox = new Outbox(Duration.ofSeconds(10));
    private long now = 1_000;

    private Outbox.Pending pending(String clientMsgId, To to) {
        Outbox.Pending pending = new Outbox.Pending(clientMsgId, to, JsonNodeFactory.instance.objectNode().put("text", clientMsgId),
                new CompletableFuture<Sent>());
        outbox.add(pending);
        return pending;
    }

    private static List<String> ids(List<Outbox.Pending> due) {
        return due.stream().map(Outbox.Pending::clientMsgId).toList();
    }

    @Test
    void sendsToOneDestinationGoOutOneAtATimeInOrder() {
        To bob = To.user("bob");
        pending("a", bob);
        pending("b", bob);
        pending("x", To.conversation("grp:team"));
        assertThat(ids(outbox.due(now))).containsExactly("a", "x");
        assertThat(outbox.due(now)).isEmpty(); // in flight
        outbox.confirmed("a");
        assertThat(ids(outbox.due(now))).containsExactly("b");
    }

    @Test
    void anUnansweredSendIsTransmittedAgainWithTheSameClientMsgIdAfterTheTimeout() {
        Outbox.Pending a = pending("a", To.user("bob"));
        outbox.due(now);
        assertThat(a.requestId()).isEqualTo("a.1");
        assertThat(outbox.due(now + 9_999)).isEmpty();
        assertThat(ids(outbox.due(now + 10_000))).containsExactly("a");
        assertThat(a.requestId()).isEqualTo("a.2");
        assertThat(a.attempts()).isEqualTo(2);
    }

    @Test
    void aReconnectTransmitsEverythingInFlightAgain() {
        pending("a", To.user("bob"));
        pending("x", To.user("carol"));
        outbox.due(now);
        outbox.connectionLost();
        assertThat(ids(outbox.due(now + 1))).containsExactly("a", "x");
    }

    @Test
    void rateLimitedWaitsRetryAfterForEverySend() {
        Outbox.Pending a = pending("a", To.user("bob"));
        pending("x", To.user("carol"));
        outbox.due(now);
        Outbox.ErrorOutcome outcome = outbox.failed(a.requestId(), ErrorCode.RATE_LIMITED, 500, now);
        assertThat(outcome.verdict()).isEqualTo(Outbox.Verdict.RETRY);
        assertThat(outbox.due(now + 499)).isEmpty();
        assertThat(ids(outbox.due(now + 500))).containsExactly("a"); // x is still in flight
        assertThat(a.requestId()).isEqualTo("a.2");
    }

    @Test
    void internalErrorsRetryAfterAShortGrowingDelay() {
        Outbox.Pending a = pending("a", To.user("bob"));
        outbox.due(now);
        outbox.failed("a.1", ErrorCode.INTERNAL, 0, now);
        assertThat(outbox.due(now + 199)).isEmpty();
        assertThat(ids(outbox.due(now + 200))).containsExactly("a");
        outbox.failed("a.2", ErrorCode.INTERNAL, 0, now + 200);
        assertThat(outbox.due(now + 599)).isEmpty();
        assertThat(ids(outbox.due(now + 600))).containsExactly("a");
        assertThat(a.future()).isNotDone();
    }

    @Test
    void aRetryableErrorForAnOlderAttemptIsIgnored() {
        pending("a", To.user("bob"));
        outbox.due(now);
        outbox.due(now + 10_000); // attempt 2 in flight
        assertThat(outbox.failed("a.1", ErrorCode.INTERNAL, 0, now + 10_001).verdict()).isEqualTo(Outbox.Verdict.IGNORE);
        assertThat(outbox.due(now + 10_002)).isEmpty();
    }

    @Test
    void definitiveErrorsFailTheSendAndReleaseTheQueue() {
        for (ErrorCode code : List.of(ErrorCode.BAD_REQUEST, ErrorCode.NOT_MEMBER, ErrorCode.NOT_FOUND,
                ErrorCode.PAYLOAD_TOO_LARGE, ErrorCode.UNKNOWN_ACTION)) {
            Outbox outbox = new Outbox(Duration.ofSeconds(10));
            Outbox.Pending a = new Outbox.Pending("a", To.user("bob"), JsonNodeFactory.instance.objectNode(), new CompletableFuture<>());
            Outbox.Pending b = new Outbox.Pending("b", To.user("bob"), JsonNodeFactory.instance.objectNode(), new CompletableFuture<>());
            outbox.add(a);
            outbox.add(b);
            outbox.due(now);
            Outbox.ErrorOutcome outcome = outbox.failed("a.1", code, 0, now);
            assertThat(outcome.verdict()).as(code.name()).isEqualTo(Outbox.Verdict.FAIL);
            assertThat(outcome.pending()).isSameAs(a);
            assertThat(ids(outbox.due(now))).containsExactly("b");
            assertThat(outbox.size()).isEqualTo(1);
        }
    }

    @Test
    void aLateConfirmationOfAnEarlierAttemptCompletesTheSendOnce() {
        pending("a", To.user("bob"));
        outbox.due(now);
        outbox.due(now + 10_000);
        assertThat(outbox.confirmed("a")).isNotNull();
        assertThat(outbox.confirmed("a")).isNull(); // the second attempt's sent
        assertThat(outbox.size()).isZero();
    }

    @Test
    void closingHandsBackEverythingPending() {
        pending("a", To.user("bob"));
        pending("b", To.user("bob"));
        assertThat(ids(outbox.drain())).containsExactly("a", "b");
        assertThat(outbox.size()).isZero();
        assertThat(outbox.due(now)).isEmpty();
    }
}
