package dev.parley.functions.service;

import dev.parley.functions.service.FanoutService.Delivery;
import dev.parley.model.domain.Gap;
import dev.parley.model.domain.Message;
import dev.parley.model.domain.TimelineEntry;
import dev.parley.model.protocol.JsonTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A part of a large conversation's fan-out: some of its recipients (with the seq each joined
 * after) and entries of one stream batch, in seq order. The chunk function applies the entries to
 * these recipients' sync-store entries and posts them to their connections, exactly as the stream
 * function does for a small conversation. The queue body carries the entries whole, so the chunk
 * function reads neither the timeline nor the members.
 *
 * <p>Body: {@code {"c":conversationId,"n":groupName,"r":{user:joinedSeq},"e":[entry]}} ({@code "n"}
 * absent for a group without a name, read once by the stream function for every chunk), an entry
 * {@code {"i":deliveryId,"o":originConnectionId,"s":seq}} plus, for a message,
 * {@code "f","k","b","t","y"} (sender, clientMsgId, body, sentAt, replyTo) and {@code "v"} for an
 * event ({@code [kind, targetSeq, emoji, remove]}); without {@code "f"} it is a gap.
 */
public record FanoutChunk(String conversationId, String name, Map<String, Long> recipients, List<Delivery> deliveries) {

    /** A chunk without the group's name (the chunk function reads it if a new entry needs it). */
    public FanoutChunk(String conversationId, Map<String, Long> recipients, List<Delivery> deliveries) {
        this(conversationId, null, recipients, deliveries);
    }

    public String encode() {
        List<Object> entries = new ArrayList<>();
        deliveries.forEach(delivery -> entries.add(entry(delivery)));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("c", conversationId);
        if (name != null) {
            root.put("n", name);
        }
        root.put("r", new LinkedHashMap<>(recipients));
        root.put("e", entries);
        return JsonTree.write(root);
    }

    /** The size one delivery adds to a body, in characters. */
    static int encodedLength(Delivery delivery) {
        return JsonTree.write(entry(delivery)).length() + 1;
    }

    private static Map<String, Object> entry(Delivery delivery) {
        Map<String, Object> item = new LinkedHashMap<>();
        TimelineEntry entry = delivery.entry();
        item.put("i", delivery.id());
        if (delivery.originConnectionId() != null) {
            item.put("o", delivery.originConnectionId());
        }
        item.put("s", entry.seq());
        if (entry instanceof Message message) {
            item.put("f", message.senderId());
            item.put("k", message.clientMsgId());
            if (message.bodyJson() != null) {
                item.put("b", message.bodyJson());
            }
            item.put("t", message.sentAt());
            item.put("y", message.replyTo());
            if (message.event() != null) {
                Message.Event event = message.event();
                List<Object> fields = new ArrayList<>();
                fields.add(event.kind());
                fields.add(event.targetSeq());
                fields.add(event.emoji() == null ? JsonTree.NULL : event.emoji());
                fields.add(event.remove());
                item.put("v", fields);
            }
        }
        return item;
    }

    @SuppressWarnings("unchecked")
    public static FanoutChunk decode(String body) {
        try {
            Map<String, Object> root = (Map<String, Object>) JsonTree.parse(body);
            String conversationId = (String) root.get("c");
            Map<String, Long> recipients = new LinkedHashMap<>();
            ((Map<String, Object>) root.get("r")).forEach((user, joined) -> recipients.put(user, ((Number) joined).longValue()));
            List<Delivery> deliveries = new ArrayList<>();
            for (Object value : (List<Object>) root.get("e")) {
                Map<String, Object> item = (Map<String, Object>) value;
                long seq = ((Number) item.get("s")).longValue();
                TimelineEntry entry;
                if (item.get("f") instanceof String sender) {
                    Message.Event event = null;
                    if (item.get("v") instanceof List<?> fields) {
                        event = new Message.Event((String) fields.get(0), ((Number) fields.get(1)).longValue(),
                                fields.get(2) instanceof String emoji ? emoji : null, Boolean.TRUE.equals(fields.get(3)));
                    }
                    entry = new Message(conversationId, seq, sender, (String) item.get("k"),
                            item.get("b") instanceof String text ? text : null, ((Number) item.get("t")).longValue(),
                            ((Number) item.get("y")).longValue(), event, null);
                } else {
                    entry = new Gap(conversationId, seq);
                }
                deliveries.add(new Delivery((String) item.get("i"), entry, item.get("o") instanceof String o ? o : null));
            }
            return new FanoutChunk(conversationId, root.get("n") instanceof String name ? name : null, recipients,
                    deliveries);
        } catch (IOException | ClassCastException | NullPointerException | IndexOutOfBoundsException unreadable) {
            throw new IllegalArgumentException("not a fan-out chunk: " + unreadable, unreadable);
        }
    }

    /** The same chunk sent again has the same id: its conversation, recipients and deliveries. */
    String deduplicationId() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(conversationId.getBytes(StandardCharsets.UTF_8));
            recipients.forEach((user, joined) -> digest.update((user + '=' + joined + ';').getBytes(StandardCharsets.UTF_8)));
            deliveries.forEach(delivery -> digest.update((delivery.id() + ';').getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(digest.digest()); // 64 characters; SQS allows 128
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
