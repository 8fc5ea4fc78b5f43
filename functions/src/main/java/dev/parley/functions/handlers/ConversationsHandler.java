package dev.parley.functions.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.parley.functions.service.SyncService;
import dev.parley.functions.wiring.Wiring;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.errors.BadRequestException;
import dev.parley.model.protocol.FrameCodec;
import dev.parley.model.protocol.HttpBodies;

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
                Long limit = HttpRoutes.queryLong(request, "limit");
                String cursor = request.getQueryStringParameters() == null ? null
                        : request.getQueryStringParameters().get("cursor");
                if (limit == null && cursor == null) {
                    return new HttpRoutes.Result(200, HttpBodies.conversations(sync.conversations(userId)));
                }
                if (limit != null && limit < 1) {
                    throw new BadRequestException("limit must be a positive integer");
                }
                int pageSize = (int) Math.min(limit == null ? FrameCodec.DEFAULT_CHANGES_PAGE : limit, FrameCodec.MAX_PAGE);
                SyncService.ConversationPage page = sync.conversationPage(userId, cursor, pageSize);
                return new HttpRoutes.Result(200, HttpBodies.conversationPage(page.conversations(), page.cursor()));
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
                return new HttpRoutes.Result(200, HttpBodies.messages(sync.messages(userId, id, beforeSeq, afterSeq, pageSize)));
            }
            throw new IllegalStateException("ConversationsHandler is not the integration of " + request.getRouteKey());
        });
    }
}
