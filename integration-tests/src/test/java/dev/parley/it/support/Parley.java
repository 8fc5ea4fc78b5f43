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
    /** Every per-user budget and the per-user connection share lifted (the attack suite tests them on runtimes of its own). */
    public static final java.util.Map<Setting, String> WITHOUT_BUDGETS = budgetsLifted();

    private static java.util.Map<Setting, String> budgetsLifted() {
        java.util.Map<Setting, String> settings = new java.util.EnumMap<>(Setting.class);
        for (Setting setting : Setting.values()) {
            if (setting.name().endsWith("_RATE") || setting.name().endsWith("_BURST")) {
                settings.put(setting, "100000");
            }
        }
        settings.put(Setting.MAX_CONNECTIONS_PER_USER, "100000");
        return settings;
    }

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
                LocalRuntime.Options.Builder options = dev.parley.it.localstack.Backend.options().port(0)
                        .setting(Setting.LOG_LEVEL, "WARN")
                        .setting(Setting.SEND_RATE, "100000").setting(Setting.SEND_BURST, "100000")
                        .setting(Setting.FETCH_RATE, "100000").setting(Setting.FETCH_BURST, "100000");
                for (var lifted : WITHOUT_BUDGETS.entrySet()) {
                    options.setting(lifted.getKey(), lifted.getValue());
                }
                runtime = LocalRuntime.start(options.build());
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

    /** The notifications the local runtime's sink recorded for the user, oldest first ({@code GET /dev/notifications}). */
    public static com.fasterxml.jackson.databind.JsonNode notificationsOf(String userId) {
        try {
            java.net.http.HttpResponse<String> response = HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                            runtime().connectionsUrl() + "/dev/notifications?userId=" + userId)).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return WsClient.JSON.readTree(response.body()).get("notifications");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static WsClient connect(String userId) {
        return connect(userId, null);
    }

    public static WsClient connect(String userId, String deviceId) {
        return WsClient.connect(runtime().websocketUrl(), token(userId, deviceId));
    }
}
