package dev.parley.functions.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.parley.functions.auth.TokenVerifier;
import dev.parley.functions.support.Fixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectAuthorizerHandlerTest {
    private static final String ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TEST";
    private static final RSAKey KEY = generate("issuer-key");
    private static final RSAKey OTHER_KEY = generate("other-key");

    private final ConnectAuthorizerHandler handler = new ConnectAuthorizerHandler(
            new TokenVerifier(new ImmutableJWKSet<>(new JWKSet(KEY.toPublicJWK())), ISSUER, "app-client-id"));

    private static RSAKey generate(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JWTClaimsSet.Builder claims(String sub) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(ISSUER).subject(sub).audience("app-client-id")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofHours(1))));
    }

    private static String sign(JWTClaimsSet claims, RSAKey key) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static APIGatewayCustomAuthorizerEvent withToken(String token) {
        return Fixtures.event("authorizer-request.json", APIGatewayCustomAuthorizerEvent.class,
                text -> text.replace("TOKEN", token));
    }

    @Test
    void aValidTokenIsAllowedWithTheUserAndDeviceInTheContext() throws Exception {
        var response = handler.handleRequest(withToken(sign(claims("alice").build(), KEY)), null);
        assertThat(response.getPrincipalId()).isEqualTo("alice");
        assertThat(response.getContext()).containsEntry("userId", "alice").containsEntry("deviceId", "phone");
        @SuppressWarnings("unchecked")
        var statement = (Map<String, Object>) ((Object[]) response.getPolicyDocument().get("Statement"))[0];
        assertThat(statement).containsEntry("Effect", "Allow").containsEntry("Action", "execute-api:Invoke");
        assertThat((Object[]) statement.get("Resource"))
                .containsExactly("arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/prod/$connect");
    }

    @Test
    void theDeviceComesFromTheTokenWhenTheQueryHasNone() throws Exception {
        String token = sign(claims("alice").claim("device", "tablet").build(), KEY);
        var event = withToken(token);
        event.setQueryStringParameters(Map.of("token", token));
        assertThat(handler.handleRequest(event, null).getContext()).containsEntry("deviceId", "tablet");
    }

    @Test
    void aBearerHeaderIsAcceptedToo() throws Exception {
        var event = withToken("unused");
        event.setQueryStringParameters(null);
        event.setHeaders(Map.of("authorization", "Bearer " + sign(claims("alice").build(), KEY)));
        assertThat(handler.handleRequest(event, null).getPrincipalId()).isEqualTo("alice");
    }

    @Test
    void cognitoAccessTokensCarryTheClientIdInsteadOfAnAudience() throws Exception {
        String token = sign(claims("alice").audience(List.of()).claim("client_id", "app-client-id").build(), KEY);
        assertThat(handler.handleRequest(withToken(token), null).getPrincipalId()).isEqualTo("alice");
    }

    @Test
    void refusalsFailWithExactlyUnauthorizedSoApiGatewayAnswers401() throws Exception {
        Instant past = Instant.now().minus(Duration.ofHours(2));
        Map<String, String> bad = Map.of(
                "missing", "",
                "garbage", "not.a.jwt",
                "other key", sign(claims("alice").build(), OTHER_KEY),
                "expired", sign(claims("alice").issueTime(Date.from(past))
                        .expirationTime(Date.from(past.plusSeconds(60))).build(), KEY),
                "other issuer", sign(claims("alice").issuer("https://evil.example").build(), KEY),
                "other audience", sign(claims("alice").audience("someone-else").build(), KEY),
                "alg none", new PlainJWT(claims("alice").build()).serialize(),
                "HMAC with a guessable secret", hmac(claims("alice").build()),
                "sub not a user id", sign(claims("a:b").build(), KEY));
        bad.forEach((why, token) -> assertThatThrownBy(() -> handler.handleRequest(withToken(token), null))
                .as(why).hasMessage("Unauthorized"));
    }

    private static String hmac(JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner("a-shared-secret-of-at-least-256-bits!!".getBytes()));
        return jwt.serialize();
    }
}
