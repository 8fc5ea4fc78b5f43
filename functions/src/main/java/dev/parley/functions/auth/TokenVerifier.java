package dev.parley.functions.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.parley.model.config.ParleyConfig;
import dev.parley.model.config.Setting;
import dev.parley.model.domain.UserIds;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Verifies $connect tokens: RS256 signatures against a JWKS (Cognito's, or the local issuer's),
 * issuer, expiry, and optionally the audience. Unsigned ({@code alg: none}) and HMAC tokens are
 * refused by the key selector, which only accepts RS256.
 *
 * <p>A JWKS fetched from a URL is cached and fetched again when a token names an unknown key. The
 * fetch has explicit timeouts ({@link JwksFetch}) and is retried once on a network failure or a
 * non-2xx answer, so that one slow or failed fetch (a restored SnapStart environment's first
 * connection, a CDN hiccup) does not refuse a valid token. {@link #warm()} fetches ahead of the
 * first token; {@link #refresh()} drops the cache and fetches again (after a SnapStart restore,
 * the cached set may be days old).
 */
public final class TokenVerifier {
    private static final int MAX_CLOCK_SKEW_SECONDS = 30;
    private static final JWKSelector ANY_KEY = new JWKSelector(new JWKMatcher.Builder().build());

    /** The verified caller. {@code device} is the token's {@code device} claim, or null. */
    public record Identity(String userId, String device) {}

    /**
     * How the JWKS is fetched. Two attempts of at most {@code connect + read} each stay inside the
     * authorizer's 10 s timeout ({@code Catalogue.MESSAGE_TIMEOUT}): 2 × (2 s + 2.5 s) = 9 s.
     */
    public record JwksFetch(Duration connectTimeout, Duration readTimeout, int sizeLimitBytes) {
        /** The deployed settings: the JOSE library's own defaults (500 ms each) fail a slow first connection. */
        public static final JwksFetch DEFAULTS = new JwksFetch(Duration.ofSeconds(2), Duration.ofMillis(2_500), 51_200);
    }

    private final Supplier<JWKSource<SecurityContext>> sources;
    private final DefaultJWTProcessor<SecurityContext> processor;
    private final String audience;
    private volatile JWKSource<SecurityContext> keys;

    /** Fixed keys (tests, the local issuer in-process): {@link #refresh()} keeps them. */
    public TokenVerifier(JWKSource<SecurityContext> keys, String issuer, String audience) {
        this(() -> keys, issuer, audience);
    }

    private TokenVerifier(Supplier<JWKSource<SecurityContext>> sources, String issuer, String audience) {
        this.sources = sources;
        this.audience = audience == null || audience.isEmpty() ? null : audience;
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "exp"));
        claims.setMaxClockSkew(MAX_CLOCK_SKEW_SECONDS);
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWTClaimsSetVerifier(claims);
        use(sources.get());
    }

    /** The deployment's verifier: {@code JWKS_URL}, {@code JWT_ISSUER} and {@code JWT_AUDIENCE}. */
    public static TokenVerifier fromConfig(ParleyConfig config) {
        return forJwksUrl(config.get(Setting.JWKS_URL), config.get(Setting.JWT_ISSUER), config.get(Setting.JWT_AUDIENCE));
    }

    /** Keys fetched from the URL on first use and cached, as Cognito's JWKS recommends; deployed fetch settings. */
    public static TokenVerifier forJwksUrl(String jwksUrl, String issuer, String audience) {
        return forJwksUrl(jwksUrl, issuer, audience, JwksFetch.DEFAULTS);
    }

    public static TokenVerifier forJwksUrl(String jwksUrl, String issuer, String audience, JwksFetch fetch) {
        URL url;
        try {
            url = URI.create(jwksUrl).toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("JWKS_URL is not a URL: " + jwksUrl, e);
        }
        return new TokenVerifier(() -> JWKSourceBuilder.create(url, new DefaultResourceRetriever(
                        (int) fetch.connectTimeout().toMillis(), (int) fetch.readTimeout().toMillis(), fetch.sizeLimitBytes()))
                // One more attempt when a fetch fails (timeout, refused connection, non-2xx answer).
                .retrying(true)
                .build(), issuer, audience);
    }

    /**
     * Fetches the key set now (if it is not cached) instead of on the first token.
     *
     * @throws KeySourceException when the JWKS cannot be fetched (after the retry)
     */
    public void warm() throws KeySourceException {
        keys.get(ANY_KEY, null);
    }

    /** Forgets the cached key set and fetches it again (see {@link #warm()}). */
    public void refresh() throws KeySourceException {
        use(sources.get());
        warm();
    }

    private void use(JWKSource<SecurityContext> source) {
        keys = source;
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, source));
    }

    /** Throws {@link InvalidTokenException} saying why, for any token that is not good. */
    public Identity verify(String token) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (Exception e) {
            throw new InvalidTokenException(e.getMessage());
        }
        if (audience != null && !claims.getAudience().contains(audience) && !audience.equals(claimOrNull(claims, "client_id"))) {
            throw new InvalidTokenException("token is not for this audience");
        }
        String userId = claims.getSubject();
        if (!UserIds.isValid(userId)) {
            throw new InvalidTokenException("sub is not a valid user id");
        }
        return new Identity(userId, claimOrNull(claims, "device"));
    }

    private static String claimOrNull(JWTClaimsSet claims, String name) {
        Object value = claims.getClaim(name);
        return value instanceof String text ? text : null;
    }

    /** A token that must be refused. */
    public static final class InvalidTokenException extends RuntimeException {
        public InvalidTokenException(String message) {
            super(message, null, false, false);
        }
    }
}
