package dev.parley.dynamodb.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB Local takes any credentials, so it must be reachable from this machine only: it
 * answers on loopback and refuses connections on every other address of the machine.
 */
class DynamoDbLocalBindingTest {
    private static DynamoDbLocal dynamoDbLocal;

    @BeforeAll
    static void start() {
        dynamoDbLocal = DynamoDbLocal.start(Optional.empty());
    }

    @AfterAll
    static void stop() {
        dynamoDbLocal.close();
    }

    @Test
    void itAnswersOnLoopback() {
        assertThat(dynamoDbLocal.endpoint().getHost()).isEqualTo("127.0.0.1");
        try (DynamoDbClient client = dynamoDbLocal.client()) {
            assertThat(client.listTables().tableNames()).isNotNull();
        }
    }

    @Test
    void itIsNotReachableOnAnyOtherAddressOfThisMachine() throws SocketException {
        List<InetAddress> others = nonLoopbackAddresses();
        Assumptions.assumeFalse(others.isEmpty(),
                "this machine has no network address besides loopback to try DynamoDB Local's port on");
        int port = dynamoDbLocal.endpoint().getPort();
        for (InetAddress address : others) {
            assertThatThrownBy(() -> connect(address, port)).as("a connection to %s port %d", address, port)
                    .isInstanceOf(ConnectException.class);
        }
    }

    private static List<InetAddress> nonLoopbackAddresses() throws SocketException {
        return Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .filter(network -> {
                    try {
                        return network.isUp() && !network.isLoopback();
                    } catch (SocketException e) {
                        return false;
                    }
                })
                .flatMap(network -> Collections.list(network.getInetAddresses()).stream())
                .filter(address -> !address.isLoopbackAddress())
                .toList();
    }

    private static void connect(InetAddress address, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 5_000);
        }
    }
}
