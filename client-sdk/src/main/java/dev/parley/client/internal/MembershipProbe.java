package dev.parley.client.internal;

import dev.parley.client.ErrorCode;
import dev.parley.client.HistoryPage;
import dev.parley.client.ServerErrorException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A sync named a conversation the user is no longer a member of, and the server refused the
 * whole request without saying which: ask each conversation's newest message, and leave out of
 * later syncs the ones refused. On the loop thread.
 */
final class MembershipProbe {
    private static final System.Logger LOG = System.getLogger("dev.parley.client");

    private final Loop loop;
    private final HistoryRequests history;
    private final Sequencer sequencer;
    private boolean probing;

    MembershipProbe(Loop loop, HistoryRequests history, Sequencer sequencer) {
        this.loop = loop;
        this.history = history;
        this.sequencer = sequencer;
    }

    boolean probing() {
        return probing;
    }

    /** Probes; {@code done} runs on the loop once every answer is in. The caller pumps. */
    void probe(Set<String> conversationIds, Runnable done) {
        probing = true;
        List<CompletableFuture<?>> probes = new ArrayList<>();
        for (String id : conversationIds) {
            CompletableFuture<HistoryPage> probe = new CompletableFuture<>();
            history.request(id, null, 1, probe);
            probes.add(probe.handle((page, error) -> {
                if (error instanceof ServerErrorException refused
                        && (refused.code() == ErrorCode.NOT_MEMBER || refused.code() == ErrorCode.NOT_FOUND)) {
                    loop.execute(() -> {
                        LOG.log(System.Logger.Level.INFO, "no longer a member of {0}", id);
                        sequencer.exclude(id);
                    });
                }
                return null;
            }));
        }
        CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new)).whenComplete((x, e) -> loop.execute(() -> {
            probing = false;
            done.run();
        }));
    }

    /** The connection dropped: the probe's answers no longer hold up a sync. */
    void connectionLost() {
        probing = false;
    }
}
