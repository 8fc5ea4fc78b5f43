package dev.parley.it.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.ConnectionState;
import dev.parley.client.ParleyClient;
import dev.parley.client.Sent;
import dev.parley.client.To;
import dev.parley.it.support.Parley;
import dev.parley.local.LocalRuntime;
import dev.parley.model.domain.ConversationId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

/**
 * Reliability suites that need a runtime of their own (a fault-injecting DynamoDB client, or a
 * data directory to restart on), so they cannot use the shared one.
 */
class SdkOwnRuntimeTest {

    /**
     * Throttles a share of the functions' DynamoDB requests the way DynamoDB does: the request
     * fails with ProvisionedThroughputExceededException before it reaches the table, on each
     * attempt independently, so the AWS SDK's own retry strategy (throttling backoff) is what
     * recovers, and when it gives up the function fails and the client retries.
     */
    static final class Throttler implements ExecutionInterceptor {
        private final Random random = new Random(3);
        private final AtomicInteger injected = new AtomicInteger();
        private volatile double share;

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            double roll;
            synchronized (random) {
                roll = random.nextDouble();
            }
            if (roll < share) {
                injected.incrementAndGet();
                throw ProvisionedThroughputExceededException.builder()
                        .message("injected throttle")
                        .statusCode(400)
                        .awsErrorDetails(AwsErrorDetails.builder()
                                .errorCode("ProvisionedThroughputExceededException")
                                .errorMessage("injected throttle")
                                .serviceName("DynamoDb")
                                .sdkHttpResponse(SdkHttpResponse.builder().statusCode(400).build())
                                .build())
                        .build();
            }
        }
    }

    @Test
    void dynamoDbThrottlingLosesNothingAndDuplicatesNothing() throws Exception {
        Throttler throttler = new Throttler();
        try (LocalRuntime runtime = LocalRuntime.start(LocalRuntime.Options.builder().port(0)
                .dynamoInterceptor(throttler).build())) {
            String alice = Parley.user("alice");
            String bob = Parley.user("bob");
            String carol = Parley.user("carol");
            String group = Sdk.createGroup(runtime, alice, List.of(bob, carol));
            String direct = ConversationId.direct(alice, bob);
            List<Sdk.App> apps = List.of(new Sdk.App("alice"), new Sdk.App("bob"), new Sdk.App("carol"));
            List<ParleyClient> clients = new ArrayList<>();
            try {
                clients.add(connect(runtime, alice, apps.get(0)));
                clients.add(connect(runtime, bob, apps.get(1)));
                clients.add(connect(runtime, carol, apps.get(2)));
                throttler.share = 0.2; // every DynamoDB request: sends, fan-out reads, syncs, heartbeats
                List<CompletableFuture<Sent>> sent = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    sent.add(clients.get(0).sendText(To.conversation(group), "a" + i));
                    sent.add(clients.get(1).sendText(To.conversation(group), "b" + i));
                    sent.add(clients.get(2).sendText(To.conversation(group), "c" + i));
                    sent.add(clients.get(1).sendText(To.user(alice), "dm" + i));
                }
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
                assertThat(throttler.injected.get()).as("throttled requests").isGreaterThan(50);
                for (Sdk.App app : apps) {
                    app.sawExactlyTheStoredTimeline(runtime, group);
                }
                apps.get(0).sawExactlyTheStoredTimeline(runtime, direct);
                apps.get(1).sawExactlyTheStoredTimeline(runtime, direct);
                throttler.share = 0; // the assertions' own reads are through the same client
                assertThat(Sdk.storedSeqs(runtime, group)).hasSize(120);
                assertThat(Sdk.storedSeqs(runtime, direct)).hasSize(40);
            } finally {
                throttler.share = 0;
                clients.forEach(ParleyClient::close);
            }
        }
    }

    @Test
    void clientsReconnectWithBackoffAndConvergeAcrossAHardRestartOnTheSameData(@TempDir Path data) throws Exception {
        LocalRuntime first = LocalRuntime.start(LocalRuntime.Options.builder().port(0).dataDirectory(data).build());
        int port = first.port();
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String conversation = ConversationId.direct(alice, bob);
        Sdk.App aliceApp = new Sdk.App("alice");
        Sdk.App bobApp = new Sdk.App("bob");
        LocalRuntime second = null;
        // Token fetches and the WebSocket URL go to the same port, whichever runtime serves it.
        try (ParleyClient a = connect(first, alice, aliceApp); ParleyClient b = connect(first, bob, bobApp)) {
            List<CompletableFuture<Sent>> sent = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                sent.add(a.sendText(To.user(bob), "before " + i));
                sent.add(b.sendText(To.user(alice), "before, back " + i));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

            first.close(); // with both clients connected
            Sdk.await().until(() -> a.state() != ConnectionState.CONNECTED && b.state() != ConnectionState.CONNECTED);
            for (int i = 0; i < 10; i++) {
                sent.add(a.sendText(To.user(bob), "while down " + i)); // queued, retried after the restart
            }

            second = LocalRuntime.start(LocalRuntime.Options.builder().port(port).dataDirectory(data).build());
            for (int i = 0; i < 10; i++) {
                sent.add(b.sendText(To.user(alice), "after " + i));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            assertThat(Sdk.storedSeqs(second, conversation)).hasSize(60);
            aliceApp.sawExactlyTheStoredTimeline(second, conversation);
            bobApp.sawExactlyTheStoredTimeline(second, conversation);
            assertThat(aliceApp.states).containsSubsequence(ConnectionState.CONNECTED, ConnectionState.DISCONNECTED,
                    ConnectionState.CONNECTING, ConnectionState.DISCONNECTED, ConnectionState.CONNECTING,
                    ConnectionState.SYNCING, ConnectionState.CONNECTED);
        } finally {
            if (second != null) {
                second.close();
            }
        }
    }

    private static ParleyClient connect(LocalRuntime runtime, String user, Sdk.App app) {
        ParleyClient client = Sdk.builder(runtime, user, "phone", app).build();
        client.connect().orTimeout(30, TimeUnit.SECONDS).join();
        return client;
    }
}
