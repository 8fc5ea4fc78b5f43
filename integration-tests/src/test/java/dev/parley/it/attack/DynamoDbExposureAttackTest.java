package dev.parley.it.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.it.support.Parley;
import dev.parley.model.config.Setting;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 1: DynamoDB Local accepts any credentials, so whoever reaches its port reads every
 * message and rewrites memberships. It must be reachable from this machine only: its port is
 * closed on every address of the machine but loopback.
 */
class DynamoDbExposureAttackTest {

    @Test
    @Disabled("waits for DynamoDB Local on loopback (streams): issue 13 item 1")
    void dynamoDbLocalIsReachableOnLoopbackOnly() throws Exception {
        Assumptions.assumeFalse("localstack".equals(System.getProperty("parley.backend")), "LocalStack is not ours to bind");
        String endpoint = Parley.runtime().config().get(Setting.DYNAMODB_ENDPOINT);
        Assumptions.assumeTrue(endpoint != null && !endpoint.isBlank(), "DynamoDB runs in process: no port at all");
        URI uri = URI.create(endpoint);
        assertThat(InetAddress.getByName(uri.getHost()).isLoopbackAddress()).as("the endpoint the functions use").isTrue();

        List<InetAddress> outward = outwardAddresses();
        Assumptions.assumeFalse(outward.isEmpty(), "this machine has no address but loopback");
        for (InetAddress address : outward) {
            assertThatThrownBy(() -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(address, uri.getPort()), 2_000);
                }
            }).as("DynamoDB Local's port on " + address.getHostAddress()).isInstanceOf(ConnectException.class);
        }
        // The runtime itself still reads and writes its tables.
        Target.shared().othersStillChat();
    }

    private static List<InetAddress> outwardAddresses() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .filter(network -> {
                    try {
                        return network.isUp() && !network.isLoopback();
                    } catch (SocketException e) {
                        return false;
                    }
                })
                .flatMap(NetworkInterface::inetAddresses)
                .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress()
                        && !address.isLinkLocalAddress())
                .toList();
    }

}
