package dev.parley.functions.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.parley.dynamodb.local.DynamoDbLocal;
import dev.parley.functions.auth.TokenVerifier;
import dev.parley.functions.snapstart.AuthorizerPriming;
import dev.parley.functions.snapstart.SnapStartHooks;
import dev.parley.functions.support.GrantGuard;
import dev.parley.functions.support.LocalJwksServer;
import dev.parley.functions.support.TestDynamo;
import dev.parley.model.config.ParleyConfig;
import dev.parley.model.config.Setting;
import dev.parley.model.routes.Catalogue;
import dev.parley.model.routes.FunctionSpec;
import dev.parley.model.routes.TableOp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The SnapStart hooks of each function family, called as Lambda's runtime calls them: what is
 * primed before the snapshot (against DynamoDB Local, through a client that refuses any action the
 * function's catalogue entry lacks) and what is fetched again after a restore (a real JWKS server).
 */
class SnapStartHooksTest {
    private static final ParleyConfig CONFIG = TestDynamo.CONFIG;

    @Test
    void everySnapStartRouteFunctionPrimesItsCodecAndMakesOneCallItIsAllowed() {
        for (FunctionSpec spec : Catalogue.ALL) {
            if (!spec.snapStart() || spec == Catalogue.CONNECT_AUTHORIZER) {
                continue;
            }
            GrantGuard guard = new GrantGuard(spec, CONFIG);
            SnapStartHooks hooks = wiring(TestDynamo.client(guard)).snapStartHooks(spec);

            hooks.beforeCheckpoint(null);

            List<String> expected = new ArrayList<>(List.of("dynamodb-call"));
            if (spec.postsToConnections()) {
                expected.add("connections-client");
            }
            if (spec == Catalogue.CONNECT) {
                expected.add("presence-queue-client");
            }
            expected.add(spec.webSocketRoutes().isEmpty() ? "json-bodies" : "frame-codec");
            assertThat(hooks.primed()).as(spec.id()).containsExactlyElementsOf(expected);
            assertThat(hooks.failed()).as(spec.id()).isEmpty();
            assertThat(guard.refused()).as(spec.id()).isEmpty();
            assertThat(guard.used()).as(spec.id()).hasSize(1)
                    .allMatch(used -> used.endsWith(" " + TableOp.QUERY) || used.endsWith(" " + TableOp.GET_ITEM)
                            || used.endsWith(" " + TableOp.UPDATE_ITEM));
            hooks.afterRestore(null);
            assertThat(hooks.refreshed()).as("%s holds nothing that goes stale", spec.id()).isEmpty();
        }
    }

    @Test
    void connectBuildsThePresenceQueueClientItsFirstRequestSendsWithBeforeTheSnapshot() {
        AtomicInteger sqsBuilt = new AtomicInteger();
        AtomicInteger connectionsBuilt = new AtomicInteger();
        Wiring wiring = new Wiring(CONFIG, TestDynamo.client(new GrantGuard(Catalogue.CONNECT, CONFIG)), () -> {
            connectionsBuilt.incrementAndGet();
            return null;
        }, () -> {
            sqsBuilt.incrementAndGet();
            return null;
        }, Clock.systemUTC());

        wiring.snapStartHooks(Catalogue.CONNECT).beforeCheckpoint(null);

        assertThat(sqsBuilt).hasValue(1);
        assertThat(connectionsBuilt).as("$connect posts to connections").hasValue(1);
        wiring.snapStartHooks(Catalogue.HEARTBEAT).beforeCheckpoint(null);
        assertThat(sqsBuilt).as("the heartbeat sends to no queue").hasValue(1);
    }

    @Test
    void onlyAnInitThatLambdaRunsToTakeASnapshotRegistersHooks() {
        assertThat(SnapStartHooks.snapStartInit("snap-start")).isTrue();
        assertThat(SnapStartHooks.snapStartInit("on-demand")).isFalse();
        assertThat(SnapStartHooks.snapStartInit("provisioned-concurrency")).isFalse();
        assertThat(SnapStartHooks.snapStartInit(null)).as("outside Lambda").isFalse();
    }

    @Test
    void theHeartbeatMayReadNothingSoItPrimesWithAnUpdateItsConditionRefusesAndWritesNothing() {
        GrantGuard guard = new GrantGuard(Catalogue.HEARTBEAT, CONFIG);
        SnapStartHooks hooks = wiring(TestDynamo.client(guard)).snapStartHooks(Catalogue.HEARTBEAT);

        hooks.beforeCheckpoint(null);

        assertThat(hooks.primed()).containsExactly("dynamodb-call", "frame-codec");
        String connections = TestDynamo.table(Setting.CONNECTIONS_TABLE);
        assertThat(guard.used()).containsExactly(connections + " " + TableOp.UPDATE_ITEM);
        assertThat(TestDynamo.client().scan(scan -> scan.tableName(connections)
                .filterExpression("attribute_exists(probe)")).items()).isEmpty();
    }

    @Test
    void theAuthorizerFetchesTheJwksBeforeTheSnapshotAndAgainAfterEachRestore() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("key-1").generate();
        try (LocalJwksServer jwks = new LocalJwksServer(key)) {
            Wiring wiring = wiring(TestDynamo.client(), CONFIG.with(Setting.JWKS_URL, jwks.url()));
            SnapStartHooks hooks = wiring.snapStartHooks(Catalogue.CONNECT_AUTHORIZER);

            hooks.beforeCheckpoint(null);
            assertThat(hooks.primed()).containsExactly("jwks", "token-verification");
            assertThat(jwks.requests()).isEqualTo(1);

            hooks.afterRestore(null);
            assertThat(hooks.refreshed()).containsExactly("jwks");
            assertThat(jwks.requests()).isEqualTo(2);
            assertThat(hooks.failed()).isEmpty();
        }
    }

    @Test
    void aRestoredAuthorizerWhoseJwksFetchFailsOnceStillHasFreshKeys() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("key-1").generate();
        try (LocalJwksServer jwks = new LocalJwksServer(key)) {
            SnapStartHooks hooks = AuthorizerPriming.hooks(TokenVerifier.forJwksUrl(jwks.url(), "https://issuer.test", null));
            hooks.beforeCheckpoint(null);
            jwks.failNext();

            hooks.afterRestore(null);

            assertThat(hooks.refreshed()).containsExactly("jwks");
            assertThat(jwks.requests()).as("the priming fetch, the failed one after the restore, its retry").isEqualTo(3);
        }
    }

    @Test
    void aStepThatFailsIsReportedAndDoesNotFailTheSnapshot() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("key-1").generate();
        try (LocalJwksServer jwks = new LocalJwksServer(key)) {
            jwks.failNext().failNext();
            SnapStartHooks hooks = AuthorizerPriming.hooks(TokenVerifier.forJwksUrl(jwks.url(), "https://issuer.test", null));

            hooks.beforeCheckpoint(null);

            assertThat(hooks.failed()).containsExactly("jwks");
            assertThat(hooks.primed()).containsExactly("token-verification");
        }
    }

    @Test
    void onlyTheHandlerLambdaIsInitializingAndOnlyWithSnapStartRegistersHooks() {
        Wiring wiring = wiring(TestDynamo.client());
        int before = SnapStartHooks.registered().size();

        Wiring.registerSnapStartHooks(wiring, Catalogue.FANOUT.lambdaHandler());
        Wiring.registerSnapStartHooks(wiring, null);
        assertThat(SnapStartHooks.registered()).hasSize(before);

        Wiring.registerSnapStartHooks(wiring, Catalogue.SEND.lambdaHandler());
        assertThat(SnapStartHooks.registered()).hasSize(before + 1);
        assertThat(SnapStartHooks.registered().get(before).family()).isEqualTo("websocket");
    }

    private static Wiring wiring(DynamoDbClient dynamo) {
        return wiring(dynamo, CONFIG);
    }

    private static Wiring wiring(DynamoDbClient dynamo, ParleyConfig config) {
        return new Wiring(config, dynamo, () -> null, () -> null, S3Clients.of(config.with(Setting.S3_ENDPOINT,
                "http://127.0.0.1:9"), DynamoDbLocal.REGION, DynamoDbLocal.CREDENTIALS, UrlConnectionHttpClient.create()),
                Clock.systemUTC());
    }
}
