package dev.parley.local.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;

/**
 * The local stand-in for Cognito: an RS256 key pair, its JWKS, and tokens for any user. With a
 * data directory the key is kept there, so tokens stay valid across restarts on the same data.
 */
public final class LocalIssuer {
    public static final String ISSUER = "https://parley.local/dev";
    public static final Duration DEFAULT_TTL = Duration.ofHours(12);
    private static final String KEY_FILE = "issuer-key.json";

    private final RSAKey key;

    private LocalIssuer(RSAKey key) {
        this.key = key;
    }

    public static LocalIssuer create(Optional<Path> dataDirectory) {
        try {
            if (dataDirectory.isPresent()) {
                Path file = dataDirectory.get().resolve(KEY_FILE);
                if (Files.exists(file)) {
                    return new LocalIssuer(RSAKey.parse(Files.readString(file, StandardCharsets.UTF_8)));
                }
                RSAKey key = generate();
                Files.createDirectories(dataDirectory.get());
                Files.writeString(file, key.toJSONString(), StandardCharsets.UTF_8);
                return new LocalIssuer(key);
            }
            return new LocalIssuer(generate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException("cannot load the local issuer key", e);
        }
    }

    private static RSAKey generate() throws JOSEException {
        return new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                .keyID(UUID.randomUUID().toString()).generate();
    }

    /** The public keys, as a JWKS document. */
    public String jwks() {
        return new JWKSet(key.toPublicJWK()).toString();
    }

    /** A token for the user, with a {@code device} claim when a device id is given. */
    public String token(String userId, String deviceId, Duration ttl) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(userId)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString());
        if (deviceId != null) {
            claims.claim("device", deviceId);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims.build());
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
        return jwt.serialize();
    }
}
