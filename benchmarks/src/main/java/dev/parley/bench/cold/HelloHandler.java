package dev.parley.bench.cold;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;

/**
 * The yardstick of cold starts: a hello-world Java handler of the same event as the WebSocket routes,
 * in a jar of its own beside aws-lambda-java-core and aws-lambda-java-events (what the smallest Java
 * function deploys). Its cold first response is what the JVM, the runtime's event serialization and
 * one handler cost on this machine; each Parley handler's is printed as a ratio to it.
 */
public final class HelloHandler implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {
    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        APIGatewayV2WebSocketResponse response = new APIGatewayV2WebSocketResponse();
        response.setStatusCode(200);
        response.setBody("hello " + event.getRequestContext().getRouteKey());
        return response;
    }
}
