package dev.parley.it.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.parley.it.support.Api;
import dev.parley.it.support.WsClient;
import dev.parley.local.auth.LocalIssuer;
import java.lang.reflect.Field;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 13, the auth family that already holds: every token that is not an RS256 token of the
 * issuer, unexpired, is refused at {@code $connect} (401, before the upgrade) and by every HTTP
 * route (401 {"message":"Unauthorized"}, as API Gateway's JWT authorizer answers); the forged user gets no connection and nothing stored.
 */
class AuthAttackTest {
    private final Target target = Target.shared();
    private final String mallory = Target.user("mallory");

    enum Forgery {
        SIGNED_WITH_ANOTHER_KEY(AuthAttackTest::signedWithAnotherKey),
        ALG_NONE(AuthAttackTest::unsigned),
        HS256_WITH_THE_PUBLIC_KEY(AuthAttackTest::hmacWithThePublicKey),
        EXPIRED(AuthAttackTest::expired),
        WRONG_ISSUER(AuthAttackTest::wrongIssuer),
        PAYLOAD_TAMPERED_WITH(AuthAttackTest::tampered),
        GARBAGE(attack -> "not.a.jwt");

        private final Function<AuthAttackTest, String> token;

        Forgery(Function<AuthAttackTest, String> token) {
            this.token = token;
        }
    }

    @AfterEach
    void nothingStoredAndOthersUnaffected() {
        assertThat(target.stored().connectionsOf(mallory)).as("connections recorded for the forged user").isEmpty();
        assertThat(target.stored().conversationsOf(mallory)).as("conversations of the forged user").isEmpty();
        target.othersStillChat();
    }

    @ParameterizedTest
    @EnumSource(Forgery.class)
    void aForgedTokenOpensNoWebSocket(Forgery forgery) {
        String token = forgery.token.apply(this);
        assertThat(WsClient.handshakeStatus(target.runtime().websocketUrl() + "/?token="
                + URLEncoder.encode(token, StandardCharsets.UTF_8))).as(forgery.name()).isEqualTo(401);
    }

    @ParameterizedTest
    @EnumSource(Forgery.class)
    void aForgedTokenIsRefusedByEveryHttpRoute(Forgery forgery) {
        Api api = new Api(target.runtime().httpUrl(), forgery.token.apply(this));
        List<Api.Reply> replies = List.of(api.get("/conversations"), api.get("/presence?users=" + mallory),
                api.post("/groups", "{\"name\":\"mine\",\"members\":[\"" + mallory + "\"]}"),
                api.get("/conversations/dm:a:b/messages"));
        for (Api.Reply reply : replies) {
            assertThat(reply.status()).as(forgery.name()).isEqualTo(401);
            // What API Gateway's JWT authorizer answers, before any function runs.
            assertThat(reply.body().path("message").asText()).as(forgery + " " + reply).isEqualTo("Unauthorized");
        }
    }

    // ------------------------------------------------------------------ the forgeries

    private JWTClaimsSet claims(String issuer, Duration ttl) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(issuer).subject(mallory)
                .issueTime(Date.from(now.minusSeconds(60))).expirationTime(Date.from(now.plus(ttl))).build();
    }

    private String signedWithAnotherKey() {
        try {
            RSAKey otherKey = new RSAKeyGenerator(2048).keyID(issuerKey().getKeyID()).generate();
            return sign(otherKey, claims(LocalIssuer.ISSUER, Duration.ofHours(1)));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private String unsigned() {
        return new PlainJWT(claims(LocalIssuer.ISSUER, Duration.ofHours(1))).serialize();
    }

    /** The classic confusion: the public key (which anyone can fetch from the JWKS) as an HMAC secret. */
    private String hmacWithThePublicKey() {
        try {
            RSAKey published = JWKSet.parse(target.runtime().issuer().jwks()).getKeys().get(0).toRSAKey();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(published.getKeyID()).build(),
                    claims(LocalIssuer.ISSUER, Duration.ofHours(1)));
            jwt.sign(new MACSigner(published.toRSAPublicKey().getEncoded()));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String expired() {
        return sign(issuerKey(), claims(LocalIssuer.ISSUER, Duration.ofMinutes(-10)));
    }

    /** The issuer's own key, another issuer's name. */
    private String wrongIssuer() {
        return sign(issuerKey(), claims("https://evil.example", Duration.ofHours(1)));
    }

    private String tampered() {
        String[] parts = target.runtime().issuer().token(Target.user("alice"), null, Duration.ofHours(1)).split("\\.");
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                claims(LocalIssuer.ISSUER, Duration.ofHours(1)).toString().getBytes(StandardCharsets.UTF_8));
        return parts[0] + "." + payload + "." + parts[2];
    }

    private static String sign(RSAKey key, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The local issuer's private key (what only the issuer holds): to sign claims it would never sign. */
    private RSAKey issuerKey() {
        try {
            for (Field field : LocalIssuer.class.getDeclaredFields()) {
                if (field.getType() == RSAKey.class) {
                    field.setAccessible(true);
                    return (RSAKey) field.get(target.runtime().issuer());
                }
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("LocalIssuer holds no RSAKey field any more: teach this test where its key is");
    }
}
