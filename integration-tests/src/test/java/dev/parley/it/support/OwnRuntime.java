package dev.parley.it.support;

import dev.parley.local.LocalRuntime;
import dev.parley.testsupport.http.ParleyHttp;
import java.net.http.HttpClient;

/** For test classes that need a runtime with options of their own: tokens and clients for it. */
public final class OwnRuntime {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private OwnRuntime() {}

    public static String token(LocalRuntime runtime, String userId) {
        return ParleyHttp.devToken(HTTP, runtime.connectionsUrl(), userId, null);
    }

    public static WsClient connect(LocalRuntime runtime, String userId) {
        return WsClient.connect(runtime.websocketUrl(), token(runtime, userId));
    }

    public static int handshake(LocalRuntime runtime, String userId) {
        return WsClient.handshakeStatus(runtime.websocketUrl() + "/?token=" + token(runtime, userId));
    }
}
