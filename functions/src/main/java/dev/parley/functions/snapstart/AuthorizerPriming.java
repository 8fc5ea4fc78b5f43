package dev.parley.functions.snapstart;

import dev.parley.functions.auth.TokenVerifier;
import dev.parley.functions.observability.Telemetry;
import dev.parley.model.config.ParleyConfig;
import dev.parley.model.config.Setting;
import dev.parley.model.routes.Catalogue;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The authorizer family's SnapStart hooks and its Lambda init, apart from {@link Priming} because
 * the authorizer's jar holds no AWS SDK: nothing here may refer to an SDK type (docs/architecture.md,
 * "Packaging"). Before the snapshot: fetch the JWKS and run a token through parsing, key selection
 * and RSA verification; after a restore: fetch the JWKS again (the snapshot's copy may be days old,
 * and Cognito rotates keys).
 */
public final class AuthorizerPriming {
    private AuthorizerPriming() {}

    /**
     * What Lambda's no-argument constructor of the authorizer builds: the verifier of the
     * environment's JWKS, with logging configured and, when Lambda initializes it to take a SnapStart
     * snapshot ({@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start}), its hooks registered.
     */
    public static TokenVerifier verifierFromEnvironment() {
        ParleyConfig config = ParleyConfig.fromSystemEnvironment();
        Telemetry.configure(config.get(Setting.LOG_LEVEL), config.get(Setting.LOG_FILE));
        TokenVerifier verifier = TokenVerifier.fromConfig(config);
        if (Catalogue.CONNECT_AUTHORIZER.snapStart() && SnapStartHooks.snapStartInit()) {
            SnapStartHooks.register(hooks(verifier));
        }
        return verifier;
    }

    public static SnapStartHooks hooks(TokenVerifier verifier) {
        return new SnapStartHooks("authorizer",
                List.of(new SnapStartHooks.Step("jwks", verifier::warm),
                        new SnapStartHooks.Step("token-verification", () -> refusesProbeToken(verifier))),
                List.of(new SnapStartHooks.Step("jwks", verifier::refresh)));
    }

    /**
     * A well-formed RS256 token with no key id and a signature of zeros: every RSA key of the set is
     * a candidate and none verifies it, so it goes through header parsing, key selection and RSA
     * verification, and is refused without a network call.
     */
    private static void refusesProbeToken(TokenVerifier verifier) {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String token = base64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
                + "." + base64.encodeToString("{\"sub\":\"probe\",\"exp\":1}".getBytes(StandardCharsets.UTF_8))
                + "." + base64.encodeToString(new byte[256]);
        try {
            verifier.verify(token);
        } catch (TokenVerifier.InvalidTokenException refused) {
            return;
        }
        throw new IllegalStateException("the probe token with a zero signature was accepted");
    }
}
