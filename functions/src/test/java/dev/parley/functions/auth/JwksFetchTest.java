package dev.parley.functions.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.parley.functions.support.LocalJwksServer;
import dev.parley.model.routes.Catalogue;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The authorizer's JWKS fetch against a real HTTP server that misbehaves once (no stand-in for the fetch). */
class JwksFetchTest {
    private static final String ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TEST";
    private static final RSAKey KEY = generate("key-1");
    private static final RSAKey ROTATED = generate("key-2");

    private LocalJwksServer jwks;

    @AfterEach
    void close() {
        if (jwks != null) {
            jwks.close();
        }
    }

    @Test
    void aTokenIsAcceptedWhenTheFirstJwksFetchFails() throws Exception {
        jwks = new LocalJwksServer(KEY).failNext();
        TokenVerifier verifier = TokenVerifier.forJwksUrl(jwks.url(), ISSUER, null);

        assertThat(verifier.verify(token(KEY, "alice")).userId()).isEqualTo("alice");
        assertThat(jwks.requests()).as("the failed fetch and its retry").isEqualTo(2);
    }

    @Test
    void aTokenIsAcceptedWhenTheFirstJwksFetchStallsPastTheReadTimeout() throws Exception {
        jwks = new LocalJwksServer(KEY).stallNext();
        // The deployed timeouts: the stalled fetch is given up after the 2.5 s read timeout, then retried.
        TokenVerifier verifier = TokenVerifier.forJwksUrl(jwks.url(), ISSUER, null);

        assertThat(verifier.verify(token(KEY, "alice")).userId()).isEqualTo("alice");
        assertThat(jwks.requests()).isEqualTo(2);
    }

    @Test
    void theFetchIsRetriedOnceNotMore() throws Exception {
        jwks = new LocalJwksServer(KEY).failNext().failNext();
        TokenVerifier verifier = TokenVerifier.forJwksUrl(jwks.url(), ISSUER, null);

        assertThatThrownBy(verifier::warm).isInstanceOf(KeySourceException.class);
        assertThat(jwks.requests()).isEqualTo(2);
    }

    @Test
    void warmingFetchesTheKeysBeforeTheFirstTokenNeedsThem() throws Exception {
        jwks = new LocalJwksServer(KEY);
        TokenVerifier verifier = TokenVerifier.forJwksUrl(jwks.url(), ISSUER, null);

        verifier.warm();
        assertThat(jwks.requests()).isEqualTo(1);
        assertThat(verifier.verify(token(KEY, "alice")).userId()).isEqualTo("alice");
        assertThat(jwks.requests()).as("the first token used the warmed keys").isEqualTo(1);
    }

    @Test
    void refreshingFetchesTheKeysAgainSoARotatedKeyIsKnownBeforeItsFirstToken() throws Exception {
        jwks = new LocalJwksServer(KEY);
        TokenVerifier verifier = TokenVerifier.forJwksUrl(jwks.url(), ISSUER, null);
        verifier.warm();
        jwks.rotateTo(ROTATED);

        verifier.refresh();

        assertThat(jwks.requests()).isEqualTo(2);
        assertThat(verifier.verify(token(ROTATED, "bob")).userId()).isEqualTo("bob");
        assertThat(jwks.requests()).isEqualTo(2);
        assertThatThrownBy(() -> verifier.verify(token(KEY, "alice")))
                .isInstanceOf(TokenVerifier.InvalidTokenException.class);
    }

    @Test
    void twoAttemptsAtTheDeployedTimeoutsFitInTheAuthorizersTimeout() {
        TokenVerifier.JwksFetch fetch = TokenVerifier.JwksFetch.DEFAULTS;
        assertThat(fetch.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(fetch.readTimeout()).isEqualTo(Duration.ofMillis(2_500));
        assertThat(fetch.connectTimeout().plus(fetch.readTimeout()).multipliedBy(2))
                .isLessThan(Catalogue.CONNECT_AUTHORIZER.timeout());
    }

    static String token(RSAKey key, String subject) throws Exception {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer(ISSUER).subject(subject).issueTime(Date.from(now))
                        .expirationTime(Date.from(now.plus(Duration.ofHours(1)))).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    static RSAKey generate(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
