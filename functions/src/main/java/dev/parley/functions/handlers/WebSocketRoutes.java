package dev.parley.functions.handlers;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.parley.functions.observability.Telemetry;
import dev.parley.functions.push.ConnectionPusher;
import dev.parley.functions.service.Caller;
import dev.parley.functions.service.SendReceipt;
import dev.parley.functions.service.SyncService;
import dev.parley.model.domain.ConversationSummary;
import dev.parley.model.domain.MessagePage;
import dev.parley.model.errors.ErrorCode;
import dev.parley.model.errors.ParleyException;
import dev.parley.model.errors.RateLimitedException;
import dev.parley.model.protocol.ClientCommand;
import dev.parley.model.protocol.FrameCodec;
import dev.parley.model.protocol.ServerFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What every WebSocket route handler shares: the caller from the authorizer context, decoding
 * the frame, and turning the outcome (a frame, or a failure) into the route response that API
 * Gateway sends back on the connection. A refused request is answered, never thrown: the
 * connection stays open.
 */
final class WebSocketRoutes {
    /** Keys of the $connect authorizer's context, which API Gateway hands to every later route. */
    static final String USER_ID = "userId";
    static final String DEVICE_ID = "deviceId";

    private WebSocketRoutes() {}

    @FunctionalInterface
    interface Route {
        /**
         * The direct reply, encoded from the service's result with the encoders below, or null
         * for routes that answer nothing on success ({@code ack}, {@code read}).
         */
        ServerFrame handle(Caller caller, ClientCommand command);
    }

    /**
     * Decodes, runs the route and replies; logs one line per request (route, connection, user,
     * request, conversation, seq, outcome, latency) with the request count and accepted messages
     * as metrics.
     */
    static APIGatewayV2WebSocketResponse handle(APIGatewayV2WebSocketEvent event, Route route) {
        var context = event.getRequestContext();
        Telemetry.Event log = Telemetry.event(context == null ? null : context.getRouteKey())
                .field("connectionId", context == null ? null : context.getConnectionId());
        String requestId = null;
        String outcome = "ok";
        Telemetry.Level level = Telemetry.Level.INFO;
        try {
            FrameCodec.Envelope envelope = FrameCodec.readEnvelope(event.getBody());
            requestId = envelope.requestId();
            ClientCommand command = FrameCodec.decode(envelope);
            Caller caller = caller(event);
            log.field("userId", caller.userId()).field("deviceId", caller.deviceId());
            ServerFrame reply = route.handle(caller, command);
            if (reply instanceof ServerFrame.Sent sent) {
                log.field("conversationId", sent.conversationId()).field("seq", sent.seq())
                        .field("clientMsgId", sent.clientMsgId()).metric("MessagesAccepted", 1, "Count");
            }
            return reply == null ? ok() : reply(reply);
        } catch (ParleyException refused) {
            outcome = ErrorCode.of(refused).name();
            Long retryAfter = refused instanceof RateLimitedException limited ? limited.retryAfterMs() : null;
            return reply(new ServerFrame.Error(requestId, ErrorCode.of(refused), refused.getMessage(), retryAfter));
        } catch (RuntimeException failure) {
            outcome = ErrorCode.INTERNAL.name();
            level = Telemetry.Level.ERROR;
            log.failure(failure);
            return reply(ServerFrame.Error.of(requestId, ErrorCode.INTERNAL,
                    "internal error; retrying with the same requestId and clientMsgId is safe"));
        } finally {
            log.field("requestId", requestId).field("outcome", outcome)
                    .metric("Requests", 1, "Count").metric("LatencyMs", log.elapsedMillis(), "Milliseconds")
                    .emit(level);
        }
    }

    /**
     * A one-way route ({@code ack}, {@code read}): API Gateway sends nothing back on success, and
     * the handler answers no body. A refusal is still answered with its error frame, posted to the
     * caller's connection over @connections (one attempt: a client that sent a bad frame and left
     * misses nothing it needs).
     */
    static APIGatewayV2WebSocketResponse handleOneWay(APIGatewayV2WebSocketEvent event, Route route,
                                                      java.util.function.Supplier<ConnectionPusher> replies) {
        APIGatewayV2WebSocketResponse response = handle(event, route);
        if (response.getBody() != null) {
            String connectionId = event.getRequestContext() == null ? null : event.getRequestContext().getConnectionId();
            try {
                if (connectionId != null) {
                    replies.get().post(connectionId, response.getBody());
                }
            } catch (RuntimeException failed) {
                Telemetry.event("refusal-post-failed").field("connectionId", connectionId).failure(failed)
                        .emit(Telemetry.Level.WARN);
            }
        }
        return ok();
    }

    static Caller caller(APIGatewayV2WebSocketEvent event) {
        APIGatewayV2WebSocketEvent.RequestContext context = event.getRequestContext();
        Map<String, Object> authorizer = context.getAuthorizer();
        Object userId = authorizer == null ? null : authorizer.get(USER_ID);
        if (userId == null) {
            throw new IllegalStateException("no userId in the authorizer context: is the $connect authorizer configured?");
        }
        Object deviceId = authorizer.get(DEVICE_ID);
        String connectionId = context.getConnectionId();
        return new Caller(userId.toString(), deviceId == null ? connectionId : deviceId.toString(), connectionId);
    }

    // ------------------------------------------------------- domain results as reply frames

    static ServerFrame sent(String requestId, SendReceipt receipt) {
        return new ServerFrame.Sent(requestId, receipt.conversationId(), receipt.clientMsgId(), receipt.seq(),
                receipt.sentAt());
    }

    static ServerFrame synced(String requestId, List<SyncService.ConversationUpdate> updates) {
        List<ServerFrame.ConversationSync> conversations = new ArrayList<>(updates.size());
        for (SyncService.ConversationUpdate update : updates) {
            ConversationSummary summary = update.summary();
            conversations.add(new ServerFrame.ConversationSync(summary.conversationId(), summary.kind(), summary.name(),
                    summary.lastSeq(), summary.readSeq(), summary.unread(), update.page().messages(),
                    update.page().hasMore(), summary.admin()));
        }
        return new ServerFrame.Synced(requestId, conversations);
    }

    static ServerFrame syncedChanges(String requestId, SyncService.Changes changes) {
        List<ServerFrame.ChangedConversation> conversations = new ArrayList<>(changes.conversations().size());
        for (SyncService.ChangedConversation changed : changes.conversations()) {
            conversations.add(new ServerFrame.ChangedConversation(changed.state(), changed.page().messages(),
                    changed.page().hasMore()));
        }
        return new ServerFrame.SyncedChanges(requestId, conversations, changes.cursor(), changes.hasMore());
    }

    static ServerFrame history(String requestId, String conversationId, MessagePage page) {
        return new ServerFrame.HistoryPage(requestId, conversationId, page.messages(), page.hasMore());
    }

    static APIGatewayV2WebSocketResponse reply(ServerFrame frame) {
        APIGatewayV2WebSocketResponse response = new APIGatewayV2WebSocketResponse();
        response.setStatusCode(200);
        response.setBody(FrameCodec.encode(frame));
        return response;
    }

    static APIGatewayV2WebSocketResponse ok() {
        APIGatewayV2WebSocketResponse response = new APIGatewayV2WebSocketResponse();
        response.setStatusCode(200);
        return response;
    }
}
