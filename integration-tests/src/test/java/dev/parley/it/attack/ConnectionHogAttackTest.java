package dev.parley.it.attack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.it.support.WsClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 7: one user could take every connection slot ({@code --max-connections}) and
 * lock everyone else out. Each user has a share of the connections (a handful of devices);
 * past it their handshakes are refused before the upgrade, and other users still connect.
 */
class ConnectionHogAttackTest {
    private static final int ATTEMPTS = 60;
    private final Target target = Target.defaults();

    @Test
    @Disabled("waits for the per-user connection share (gateway): issue 13 item 7")
    void oneUserCannotTakeEveryConnection() {
        String mallory = Target.user("mallory");
        List<WsClient> open = new ArrayList<>();
        try {
            int status = 101;
            while (open.size() < ATTEMPTS) {
                Target.Attempt attempt = Target.attempt(target.uriFor(mallory));
                status = attempt.status();
                if (attempt.client() == null) {
                    break;
                }
                open.add(attempt.client());
            }
            assertThat(open.size()).as("connections one user holds").isLessThan(ATTEMPTS);
            assertThat(status).as("the refused handshake").isEqualTo(429);
            assertThat(target.stored().connectionsOf(mallory)).hasSize(open.size());
            for (WsClient connection : open) {
                Target.stillServes(connection);
            }
            target.othersStillChat();
        } finally {
            open.forEach(WsClient::close);
        }
    }
}
