package dev.parley.functions.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.parley.functions.service.GroupService;
import dev.parley.functions.wiring.Wiring;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.errors.BadRequestException;
import dev.parley.model.protocol.HttpBodies;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /groups}, {@code POST /groups/{id}/members}, {@code DELETE /groups/{id}/members/{userId}}
 * (optional {@code ?successor=}), and protocol v2's {@code PATCH /groups/{id}} (rename),
 * {@code PUT} and {@code DELETE /groups/{id}/admins/{userId}}; the reading routes
 * {@code GET /groups/{id}/members?limit=&cursor=} (the member list, paged) and
 * {@code GET /groups/{id}/reads} (read positions for "read by N").
 */
public final class GroupsHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final GroupService groups;

    public GroupsHandler() {
        this(Wiring.fromEnvironment());
    }

    public GroupsHandler(Wiring wiring) {
        this(wiring.groupService());
    }

    public GroupsHandler(GroupService groups) {
        this.groups = groups;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpRoutes.handle(event, (userId, request) -> {
            switch (String.valueOf(request.getRouteKey())) {
                case "POST /groups": {
                    Map<String, Object> body = HttpRoutes.jsonBody(request);
                    if (!(body.get("name") instanceof String name)) {
                        throw new BadRequestException("name must be a string");
                    }
                    List<String> members = body.containsKey("members") ? HttpRoutes.strings(body, "members") : List.of();
                    return new HttpRoutes.Result(201, HttpBodies.group(groups.create(userId, name, members)));
                }
                case "POST /groups/{id}/members": {
                    String id = ConversationId.require(HttpRoutes.pathParameter(request, "id"));
                    List<String> members = HttpRoutes.strings(HttpRoutes.jsonBody(request), "members");
                    return new HttpRoutes.Result(200, HttpBodies.group(groups.addMembers(userId, id, members)));
                }
                case "DELETE /groups/{id}/members/{userId}": {
                    String id = ConversationId.require(HttpRoutes.pathParameter(request, "id"));
                    groups.removeMember(userId, id, HttpRoutes.pathParameter(request, "userId"),
                            HttpRoutes.query(request, "successor"));
                    return new HttpRoutes.Result(204, null);
                }
                case "PATCH /groups/{id}": {
                    String id = ConversationId.require(HttpRoutes.pathParameter(request, "id"));
                    if (!(HttpRoutes.jsonBody(request).get("name") instanceof String name)) {
                        throw new BadRequestException("name must be a string");
                    }
                    return new HttpRoutes.Result(200, HttpBodies.group(groups.rename(userId, id, name)));
                }
                case "PUT /groups/{id}/admins/{userId}": {
                    String id = ConversationId.require(HttpRoutes.pathParameter(request, "id"));
                    groups.promote(userId, id, HttpRoutes.pathParameter(request, "userId"));
                    return new HttpRoutes.Result(204, null);
                }
                case "DELETE /groups/{id}/admins/{userId}": {
                    String id = ConversationId.require(HttpRoutes.pathParameter(request, "id"));
                    groups.demote(userId, id, HttpRoutes.pathParameter(request, "userId"));
                    return new HttpRoutes.Result(204, null);
                }
                case "GET /groups/{id}/members": {
                    String id = ConversationId.require(HttpRoutes.pathParameter(request, "id"));
                    Long limit = HttpRoutes.queryLong(request, "limit");
                    if (limit != null && limit < 1) {
                        throw new BadRequestException("limit must be a positive integer");
                    }
                    GroupService.MemberPage page = groups.members(userId, id, HttpRoutes.query(request, "cursor"),
                            (int) Math.min(limit == null ? GroupService.DEFAULT_MEMBER_PAGE : limit,
                                    GroupService.MAX_MEMBER_PAGE));
                    return new HttpRoutes.Result(200, HttpBodies.memberPage(page.conversationId(), page.memberCount(),
                            page.members(), page.admins(), page.cursor()));
                }
                case "GET /groups/{id}/reads": {
                    String id = ConversationId.require(HttpRoutes.pathParameter(request, "id"));
                    GroupService.Reads reads = groups.reads(userId, id);
                    return new HttpRoutes.Result(200, HttpBodies.reads(reads.conversationId(), reads.memberCount(),
                            reads.readSeqs()));
                }
                default:
                    throw new IllegalStateException("GroupsHandler is not the integration of " + request.getRouteKey());
            }
        });
    }
}
