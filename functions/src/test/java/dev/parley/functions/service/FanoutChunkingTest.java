package dev.parley.functions.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.model.domain.Gap;
import dev.parley.model.domain.Message;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a large conversation's entries are cut into chunks, and how a chunk travels, without a queue. */
class FanoutChunkingTest {
    private static Map<String, Long> members(int count) {
        Map<String, Long> members = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            members.put("user-" + i, 0L);
        }
        return members;
    }

    private static FanoutService.Delivery message(long seq, String body) {
        return new FanoutService.Delivery("id" + seq, new Message("grp:big", seq, "user-0", "c" + seq, body, 1000 + seq), "origin");
    }

    @Test
    void everyMemberIsInExactlyOneChunkOfEachEntryAndNoChunkExceedsTheChunkSize() {
        List<FanoutService.Delivery> batch = List.of(message(1, "{\"text\":\"a\"}"), message(2, "{\"text\":\"b\"}"));

        var sendings = FanoutChunking.plan("grp:big", batch, members(1_200), 100, 8);

        Map<String, Integer> received = new HashMap<>();
        for (FanoutChunking.Sending sending : sendings) {
            for (FanoutChunk chunk : sending.chunks()) {
                assertThat(chunk.recipients()).hasSizeLessThanOrEqualTo(100);
                assertThat(chunk.encode().length()).isLessThanOrEqualTo(FanoutChunking.MAX_BODY_CHARS);
                chunk.recipients().keySet().forEach(user -> received.merge(user, chunk.deliveries().size(), Integer::sum));
            }
        }
        assertThat(received).hasSize(1_200).allSatisfy((user, entries) -> assertThat(entries).isEqualTo(2));
        assertThat(sendings.stream().mapToInt(s -> s.chunks().size()).sum()).as("chunks").isGreaterThan(8);
    }

    @Test
    void aMemberIsAlwaysInTheSameMessageGroupSoTheirChunksAreConsumedInOrder() {
        var first = FanoutChunking.plan("grp:big", List.of(message(1, "{}")), members(1_000), 50, 16);
        Map<String, Long> fewer = members(1_000);
        fewer.keySet().removeIf(user -> user.endsWith("7"));
        var later = FanoutChunking.plan("grp:big", List.of(message(2, "{}")), fewer, 50, 16);

        Map<String, String> groupOf = new HashMap<>();
        first.forEach(s -> s.chunks().forEach(c -> c.recipients().keySet().forEach(u -> groupOf.put(u, s.groupId()))));
        later.forEach(s -> s.chunks().forEach(c -> c.recipients().keySet().forEach(u ->
                assertThat(s.groupId()).as(u).isEqualTo(groupOf.get(u)))));
    }

    @Test
    void entriesTooLargeForOneQueueMessageAreCutInSeqOrderWithinTheGroup() {
        String large = "{\"text\":\"" + "\\\"".repeat(8_000) + "\"}"; // 16 KB of escapes, about 32 KB encoded
        List<FanoutService.Delivery> batch = new ArrayList<>();
        for (long seq = 1; seq <= 20; seq++) {
            batch.add(message(seq, large));
        }

        var sendings = FanoutChunking.plan("grp:big", batch, members(10), 500, 1);

        assertThat(sendings).hasSize(1);
        List<Long> seqs = new ArrayList<>();
        for (FanoutChunk chunk : sendings.get(0).chunks()) {
            assertThat(chunk.encode().length()).isLessThanOrEqualTo(FanoutChunking.MAX_BODY_CHARS);
            chunk.deliveries().forEach(d -> seqs.add(d.entry().seq()));
        }
        assertThat(sendings.get(0).chunks()).hasSizeGreaterThan(1);
        assertThat(seqs).isSorted().hasSize(20);
    }

    @Test
    void aChunkDecodesToTheEntriesItWasMadeOf() {
        Message edit = new Message("grp:big", 5, "user-1", "c5", "{\"text\":\"fixed\"}", 7, 0, Message.Event.edit(3), null);
        Message reaction = new Message("grp:big", 6, "user-2", "c6", null, 8, 0, Message.Event.reaction(3, "👍", true), null);
        Message reply = new Message("grp:big", 7, "user-2", "c7", "{\"text\":\"yes\",\"mentions\":[\"user-1\"]}", 9, 3, null, null);
        FanoutChunk chunk = new FanoutChunk("grp:big", "Big \"group\"", Map.of("user-1", 0L, "user-2", 4L), List.of(
                new FanoutService.Delivery("s4", new Gap("grp:big", 4), null),
                new FanoutService.Delivery("s5", edit, "conn-1"),
                new FanoutService.Delivery("s6", reaction, null),
                new FanoutService.Delivery("s7", reply, "conn-2")));

        FanoutChunk decoded = FanoutChunk.decode(chunk.encode());

        assertThat(decoded).isEqualTo(chunk);
        assertThat(decoded.deduplicationId()).isEqualTo(chunk.deduplicationId());
    }
}
