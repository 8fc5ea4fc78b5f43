package dev.parley.functions.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.parley.functions.push.ConnectionPusher;
import dev.parley.functions.service.Broadcaster;
import dev.parley.functions.service.Budget;
import dev.parley.functions.service.ConversationAccess;
import dev.parley.functions.service.GroupService;
import dev.parley.functions.service.Poster;
import dev.parley.functions.support.memory.InMemoryConnectionStore;
import dev.parley.functions.support.memory.InMemoryConversationStore;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** HTTP API edge cases the handlers own: path parameters as API Gateway decodes them, invalid text. */
class HttpRoutesTest {
    private final InMemoryConversationStore conversations = new InMemoryConversationStore();
    private final InMemoryConnectionStore connections = new InMemoryConnectionStore();
    private final GroupsHandler handler = new GroupsHandler(new GroupService(conversations,
            new ConversationAccess(conversations), new Broadcaster(connections,
                    new Poster(connections, () -> (id, frame) -> ConnectionPusher.Outcome.DELIVERED),
                    Executors.newFixedThreadPool(2)),
            Clock.systemUTC(), 500, Budget.unlimited("c"), Budget.unlimited("m")));

    private static APIGatewayV2HTTPEvent event(String user, String routeKey, Map<String, String> path, String body) {
        return APIGatewayV2HTTPEvent.builder().withRouteKey(routeKey).withPathParameters(path).withBody(body)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                                        .withClaims(Map.of("sub", user)).build()).build()).build())
                .build();
    }

    /** Issue 13: a user id with '+' was decoded a second time into a space and could not leave. */
    @Test
    void aUserIdWithAPlusLeavesAGroupByItsPath() {
        conversations.createGroup("grp:team", "team", "alice", List.of("alice", "bob+work"), 1);
        APIGatewayV2HTTPResponse response = handler.handleRequest(event("bob+work", "DELETE /groups/{id}/members/{userId}",
                Map.of("id", "grp:team", "userId", "bob+work"), null), null);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(204);
        assertThat(conversations.members("grp:team")).containsExactly("alice");
    }

    @Test
    void aBodyWithALoneSurrogateIsBadRequestAndCreatesNothing() {
        APIGatewayV2HTTPResponse response = handler.handleRequest(event("alice", "POST /groups", Map.of(),
                "{\"name\":\"x\\ud800\",\"members\":[]}"), null);
        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(response.getBody()).contains("\"code\":\"BAD_REQUEST\"");
        assertThat(conversations.conversationsOf("alice")).isEmpty();
    }
}
