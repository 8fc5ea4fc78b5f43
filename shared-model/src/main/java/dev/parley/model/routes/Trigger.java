package dev.parley.model.routes;

/** What invokes a function: a WebSocket route, an HTTP route, the authorizer, a stream or a queue. */
public sealed interface Trigger {

    /**
     * A WebSocket API route. {@code twoWay}: the route has a route response, so the handler's
     * answer is sent back on the connection.
     */
    record WebSocketRoute(String routeKey, boolean twoWay) implements Trigger {}

    /** An HTTP API route, as API Gateway writes route keys: {@code METHOD /path/{param}}. */
    record HttpRoute(String method, String path) implements Trigger {
        /** The API Gateway route key, e.g. {@code POST /groups/{id}/members}. */
        public String routeKey() {
            return method + " " + path;
        }
    }

    /** The Lambda REQUEST authorizer of {@code $connect}. */
    record ConnectAuthorizer() implements Trigger {}

    /** The event-source mapping on the messages table's stream. */
    record MessagesStream() implements Trigger {}

    /** An SQS queue of Parley's, by its name in {@link Queues}. */
    record QueueMessages(String queue) implements Trigger {}

    /** The attachments bucket's object-created notifications for keys under {@code prefix} ({@link Bucket}). */
    record BucketObjectCreated(String prefix) implements Trigger {}
}
