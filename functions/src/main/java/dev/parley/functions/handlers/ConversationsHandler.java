package dev.parley.functions.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.parley.functions.service.SyncService;
import dev.parley.functions.service.TimelineReader;
import dev.parley.functions.wiring.Wiring;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.domain.Message;
import dev.parley.model.errors.BadRequestException;
import dev.parley.model.protocol.FrameCodec;
import dev.parley.model.protocol.JsonTree;
import dev.parley.model.protocol.ServerFrame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /conversations} and {@code GET /conversations/{id}/messages}. */
public final class ConversationsHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final SyncService sync;

    public ConversationsHandler() {
        this(Wiring.fromEnvironment());
    }

    public ConversationsHandler(Wiring wiring) {
        this(wiring.syncService());
    }

    public ConversationsHandler(SyncService sync) {
        this.sync = sync;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpRoutes.handle(event, (userId, request) -> {
            if ("GET /conversations".equals(request.getRouteKey())) {
                List<ServerFrame.ConversationSync> conversations = sync.conversations(userId);
                List<Object> list = new ArrayList<>();
                long total = 0;
                for (ServerFrame.ConversationSync conversation : conversations) {
                    Map<String, Object> json = new LinkedHashMap<>();
                    json.put("conversationId", conversation.conversationId());
                    json.put("kind", conversation.kind());
                    if (conversation.name() != null) {
                        json.put("name", conversation.name());
                    }
                    json.put("lastSeq", conversation.lastSeq());
                    json.put("readSeq", conversation.readSeq());
                    json.put("unread", conversation.unread());
                    list.add(json);
                    total += conversation.unread();
                }
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("conversations", list);
                body.put("totalUnread", total);
                return new HttpRoutes.Result(200, body);
            }
            if ("GET /conversations/{id}/messages".equals(request.getRouteKey())) {
                String id = ConversationId.require(HttpRoutes.pathParameter(request, "id"));
                Long beforeSeq = HttpRoutes.queryLong(request, "beforeSeq");
                Long afterSeq = HttpRoutes.queryLong(request, "afterSeq");
                if (beforeSeq != null && afterSeq != null) {
                    throw new BadRequestException("give beforeSeq or afterSeq, not both");
                }
                Long limit = HttpRoutes.queryLong(request, "limit");
                if (limit != null && limit < 1) {
                    throw new BadRequestException("limit must be a positive integer");
                }
                int pageSize = (int) Math.min(limit == null ? FrameCodec.DEFAULT_PAGE : limit, FrameCodec.MAX_PAGE);
                TimelineReader.Page page = sync.messages(userId, id, beforeSeq, afterSeq, pageSize);
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("messages", messages(page.messages()));
                body.put("hasMore", page.hasMore());
                return new HttpRoutes.Result(200, body);
            }
            throw new IllegalStateException("ConversationsHandler is not the integration of " + request.getRouteKey());
        });
    }

    /** Messages as the WebSocket frames write them (the body is raw JSON text, parsed back here). */
    private static List<Object> messages(List<Message> messages) {
        List<Object> list = new ArrayList<>();
        for (Message message : messages) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("conversationId", message.conversationId());
            json.put("seq", message.seq());
            json.put("senderId", message.senderId());
            json.put("clientMsgId", message.clientMsgId());
            try {
                json.put("body", JsonTree.parse(message.bodyJson()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            json.put("sentAt", message.sentAt());
            list.add(json);
        }
        return list;
    }
}
