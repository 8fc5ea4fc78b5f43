package dev.parley.it.support;

import dev.parley.local.LocalRuntime;
import dev.parley.model.config.Setting;
import dev.parley.testsupport.http.ParleyHttp;
import java.net.http.HttpClient;
import java.util.UUID;

/**
 * The local runtime the integration tests share: started once per test JVM on a free port,
 * in memory. Tests keep out of each other's way with unique user names ({@link #user}).
 */
public final class Parley {
    private static LocalRuntime runtime;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Parley() {}

    public static synchronized LocalRuntime runtime() {
        if (runtime == null) {
            try {
                // WARN and above only: one INFO line per request would bury the test output.
                // Send limits out of the way: tests send hundreds of messages as fast as they can;
                // the rate limit has tests of its own (RateLimitTest).
                // Backend.options(): DynamoDB Local, or LocalStack under -Plocalstack.
                runtime = LocalRuntime.start(dev.parley.it.localstack.Backend.options().withPort(0)
                        .withSetting(Setting.LOG_LEVEL, "WARN")
                        .withSetting(Setting.SEND_RATE, "100000").withSetting(Setting.SEND_BURST, "100000")
                        .withSetting(Setting.FETCH_RATE, "100000").withSetting(Setting.FETCH_BURST, "100000"));
            } catch (Exception e) {
                throw new IllegalStateException("the local runtime did not start", e);
            }
            LocalRuntime started = runtime;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (Exception ignored) {
                    // the JVM is going away
                }
            }));
        }
        return runtime;
    }

    /** A user name no other test uses. */
    public static String user(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A token from the local issuer, fetched over HTTP as a client would. */
    public static String token(String userId, String deviceId) {
        return ParleyHttp.devToken(HTTP, runtime().connectionsUrl(), userId, deviceId);
    }

    public static WsClient connect(String userId) {
        return connect(userId, null);
    }

    public static WsClient connect(String userId, String deviceId) {
        return WsClient.connect(runtime().websocketUrl(), token(userId, deviceId));
    }
}
