package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.parley.it.support.Parley;
import dev.parley.it.support.Stored;
import dev.parley.it.support.WsClient;
import dev.parley.local.auth.LocalIssuer;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** $connect refuses every token that is not a valid RS256 token of the issuer, before the upgrade. */
class HandshakeTest {

    private static String url(String token) {
        return Parley.runtime().websocketUrl() + "/?token=" + token;
    }

    @Test
    void aValidTokenInTheQueryStringOpensTheWebSocket() {
        assertThat(WsClient.handshakeStatus(url(Parley.token(Parley.user("alice"), null)))).isEqualTo(101);
    }

    @Test
    void aValidTokenInTheAuthorizationHeaderOpensTheWebSocket() {
        String alice = Parley.user("alice");
        try (WsClient socket = WsClient.connect(Parley.runtime().websocketUrl(),
                Map.of("Authorization", "Bearer " + Parley.token(alice, null)))) {
            // Opened as alice: the connection is recorded under her user id and answers frames.
            assertThat(Stored.connectionsOf(alice)).hasSize(1);
            assertThat(socket.heartbeat().get("type").asText()).isEqualTo("pong");
        }
    }

    @Test
    void aMissingTokenIsRefusedWith401() {
        assertThat(WsClient.handshakeStatus(Parley.runtime().websocketUrl())).isEqualTo(401);
    }

    @Test
    void garbageIsRefusedWith401() {
        assertThat(WsClient.handshakeStatus(url("not-a-jwt"))).isEqualTo(401);
    }

    @Test
    void aTokenSignedWithAnotherKeyIsRefusedWith401() throws Exception {
        RSAKey otherKey = new RSAKeyGenerator(2048).keyID("attacker").generate();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("attacker").build(),
                claims(Parley.user("mallory"), Duration.ofHours(1)));
        forged.sign(new RSASSASigner(otherKey));
        assertThat(WsClient.handshakeStatus(url(forged.serialize()))).isEqualTo(401);
    }

    @Test
    void anExpiredTokenIsRefusedWith401() {
        String expired = Parley.runtime().issuer().token(Parley.user("alice"), null, Duration.ofMinutes(-5));
        assertThat(WsClient.handshakeStatus(url(expired))).isEqualTo(401);
    }

    @Test
    void anUnsignedAlgNoneTokenIsRefusedWith401() {
        String unsigned = new PlainJWT(claims(Parley.user("mallory"), Duration.ofHours(1))).serialize();
        assertThat(unsigned).endsWith(".");
        assertThat(WsClient.handshakeStatus(url(unsigned))).isEqualTo(401);
    }

    @Test
    void aTokenWhosePayloadWasTamperedWithIsRefusedWith401() {
        // The issuer's signature over another payload: the claims changed, the signature did not.
        String token = Parley.runtime().issuer().token(Parley.user("alice"), null, Duration.ofHours(1));
        String[] parts = token.split("\\.");
        String otherIssuer = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                claims("alice", Duration.ofHours(1)).toString().replace(LocalIssuer.ISSUER, "https://evil.example")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(WsClient.handshakeStatus(url(parts[0] + "." + otherIssuer + "." + parts[2]))).isEqualTo(401);
    }

    private static JWTClaimsSet claims(String userId, Duration ttl) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(LocalIssuer.ISSUER).subject(userId)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(ttl))).build();
    }
}
