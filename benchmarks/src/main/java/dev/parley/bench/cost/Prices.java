package dev.parley.bench.cost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The list prices of prices.json (one file, with the date and the source of each price). */
public record Prices(String compiled, double wruPerMillion, double rruPerMillion, double wcuHour, double rcuHour,
                     double storagePerGbMonth,
                     double lambdaRequestsPerMillion, double lambdaArmGbSecond, double websocketMessagesPerMillion,
                     double httpRequestsPerMillion,
                     double connectionMinutesPerMillion, double transferOutPerGb, double sqsRequestsPerMillion, double ablyMessagesPerMillion,
                     double appSyncEventsOperationsPerMillion, double appSyncEventsConnectionMinutesPerMillion) {

    public static Prices load() {
        try (InputStream in = Prices.class.getResourceAsStream("/prices.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            JsonNode prices = root.path("prices");
            return new Prices(root.path("compiled").asText(),
                    usd(prices, "dynamodb_wru_per_million"), usd(prices, "dynamodb_rru_per_million"),
                    usd(prices, "dynamodb_provisioned_wcu_hour"), usd(prices, "dynamodb_provisioned_rcu_hour"),
                    usd(prices, "dynamodb_storage_per_gb_month"), usd(prices, "lambda_requests_per_million"),
                    usd(prices, "lambda_arm_gb_second"), usd(prices, "apigw_websocket_messages_per_million"),
                    usd(prices, "apigw_http_requests_per_million"),
                    usd(prices, "apigw_websocket_connection_minutes_per_million"), usd(prices, "data_transfer_out_per_gb"),
                    usd(prices, "sqs_requests_per_million"),
                    usd(prices, "ably_messages_per_million"), usd(prices, "appsync_events_operations_per_million"),
                    usd(prices, "appsync_events_connection_minutes_per_million"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double usd(JsonNode prices, String name) {
        JsonNode price = prices.path(name).path("usd");
        if (!price.isNumber()) {
            throw new IllegalStateException("prices.json has no usd for " + name);
        }
        return price.asDouble();
    }
}
