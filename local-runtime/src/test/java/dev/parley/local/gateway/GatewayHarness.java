package dev.parley.local.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/** The gateway and its {@code @connections} API on a real Jetty server on a free loopback port. */
final class GatewayHarness implements AutoCloseable {
    final StubIntegrations functions;
    final WebSocketGateway gateway;
    final ConnectionsApi connectionsApi;
    private final Server server;
    private final int port;

    GatewayHarness(StubIntegrations functions, GatewayLimits limits) throws Exception {
        this.functions = functions;
        this.gateway = new WebSocketGateway(() -> functions, limits);
        this.connectionsApi = new ConnectionsApi(gateway, ConnectionsApi.localSignatures(Clock.systemUTC()));
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ContextHandler context = new ContextHandler("/");
        WebSocketUpgradeHandler upgrades = WebSocketUpgradeHandler.from(server, context, gateway::configure);
        upgrades.setHandler(new Handler.Sequence(connectionsApi));
        context.setHandler(upgrades);
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
    }

    GatewayHarness(StubIntegrations functions) throws Exception {
        this(functions, GatewayLimits.DEFAULTS);
    }

    int port() {
        return port;
    }

    String httpBase() {
        return "http://127.0.0.1:" + port;
    }

    Client connect(String user) {
        Client client = new Client();
        try {
            client.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/?user=" + user), client)
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not connect", e);
        }
        return client;
    }

    @Override
    public void close() throws Exception {
        gateway.closeAll();
        server.stop();
    }

    /** A plain WebSocket client that keeps every text message and the close code. */
    static final class Client implements WebSocket.Listener {
        final List<String> messages = new ArrayList<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                synchronized (messages) {
                    messages.add(partial.toString());
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(1006);
        }

        void send(String text) {
            socket.sendText(text, true).join();
        }

        /** One message in frames of at most {@code frameChars} characters (ASCII text: bytes). */
        void sendInFrames(String text, int frameChars) {
            for (int start = 0; start < text.length(); start += frameChars) {
                int end = Math.min(text.length(), start + frameChars);
                socket.sendText(text.substring(start, end), end == text.length()).join();
            }
        }

        void sendBinary(byte[] data) {
            socket.sendBinary(ByteBuffer.wrap(data), true).join();
        }

        List<String> messages() {
            synchronized (messages) {
                return List.copyOf(messages);
            }
        }

        int count(String message) {
            synchronized (messages) {
                return (int) messages.stream().filter(message::equals).count();
            }
        }

        void close() {
            socket.abort();
        }
    }
}
