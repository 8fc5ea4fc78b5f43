package dev.parley.functions.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.parley.model.domain.UserIds;
import java.net.MalformedURLException;
import java.net.URI;
import java.util.Set;

/**
 * Verifies $connect tokens: RS256 signatures against a JWKS (Cognito's, or the local issuer's),
 * issuer, expiry, and optionally the audience. Unsigned ({@code alg: none}) and HMAC tokens are
 * refused by the key selector, which only accepts RS256.
 */
public final class TokenVerifier {
    private static final int MAX_CLOCK_SKEW_SECONDS = 30;

    /** The verified caller. {@code device} is the token's {@code device} claim, or null. */
    public record Identity(String userId, String device) {}

    private final DefaultJWTProcessor<SecurityContext> processor;
    private final String audience;

    public TokenVerifier(JWKSource<SecurityContext> keys, String issuer, String audience) {
        this.audience = audience == null || audience.isEmpty() ? null : audience;
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "exp"));
        claims.setMaxClockSkew(MAX_CLOCK_SKEW_SECONDS);
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** Keys fetched from the URL on first use and cached, as Cognito's JWKS recommends. */
    public static TokenVerifier forJwksUrl(String jwksUrl, String issuer, String audience) {
        try {
            return new TokenVerifier(JWKSourceBuilder.create(URI.create(jwksUrl).toURL()).build(), issuer, audience);
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("JWKS_URL is not a URL: " + jwksUrl, e);
        }
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
