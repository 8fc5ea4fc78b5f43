package dev.parley.local.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * One connection's flood does not delay another user's frames: each connection's frames wait in
 * a bounded inbox of their own, only a few of them are invoked at once, and a full inbox stops the
 * gateway reading that socket. Asserted by order: while every invocation of the flood is held
 * back (a slow function), another user's heartbeat is still answered, before any of the flood's.
 */
class FairnessTest {
    private static final int FLOOD = 5_000;

    @Test
    void anotherUsersHeartbeatIsAnsweredBeforeAFloodOfFiveThousandPipelinedHeartbeats() throws Exception {
        CountDownLatch slowFunction = new CountDownLatch(1);
        AtomicInteger invoked = new AtomicInteger();
        StubIntegrations functions = new StubIntegrations().route("heartbeat", true, event -> {
            invoked.incrementAndGet();
            String user = (String) event.getRequestContext().getAuthorizer().get("userId");
            if (user.equals("mallory")) {
                hold(slowFunction);
            }
            return "pong:" + user;
        });
        try (GatewayHarness harness = new GatewayHarness(functions)) {
            GatewayHarness.Client flooder = harness.connect("mallory");
            GatewayHarness.Client alice = harness.connect("alice");
            AtomicInteger sent = new AtomicInteger();
            Thread flood = new Thread(() -> {
                for (int i = 0; i < FLOOD; i++) {
                    flooder.send("{\"action\":\"heartbeat\"}");
                    sent.incrementAndGet();
                }
            }, "flooder");
            flood.setDaemon(true);
            flood.start();
            await().until(() -> sent.get() >= FLOOD / 5 && invoked.get() > 0);

            alice.send("{\"action\":\"heartbeat\"}");
            await().until(() -> alice.count("pong:alice") == 1);
            assertThat(flooder.count("pong:mallory")).as("flood pongs before alice's").isZero();
            assertThat(invoked.get()).as("invocations: alice's and the few of the flood held at once")
                    .isLessThanOrEqualTo(1 + GatewayLimits.DEFAULTS.invocationsPerConnection());

            slowFunction.countDown();
            await().atMost(Duration.ofMinutes(2)).until(() -> flooder.count("pong:mallory") == FLOOD);
            assertThat(invoked.get()).isEqualTo(FLOOD + 1);
        }
    }

    private static void hold(CountDownLatch latch) {
        try {
            if (!latch.await(1, TimeUnit.MINUTES)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
