package dev.parley.functions.notify;

import dev.parley.model.protocol.JsonTree;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What fan-out hands to notifications for one message: who may need a notification (every
 * recipient but the sender) and which of their devices had a live connection when the push went
 * out (those get the push, never a notification). Fan-out does not look devices up: the
 * notification function does, once per user per batch.
 */
public record OfflineNotice(String conversationId, long seq, String senderId, String preview,
                            Map<String, List<String>> onlineDevicesByRecipient, Set<String> mentioned) {

    /**
     * @param mentioned the recipients the message mentions: notified even where they muted the
     *                  conversation
     */
    public OfflineNotice {
        mentioned = Set.copyOf(mentioned);
    }

    /** A recipient list above this many users is split over several queue messages (SQS: 256 KB each). */
    public static final int MAX_RECIPIENTS_PER_MESSAGE = 1_000;

    /** The queue message body: {@code {"notices":[{"c","s","f","p","r":{user:[devices]},"m":[users]}]}}. */
    public static String encode(List<OfflineNotice> notices) {
        List<Object> list = new ArrayList<>();
        for (OfflineNotice notice : notices) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("c", notice.conversationId());
            item.put("s", notice.seq());
            item.put("f", notice.senderId());
            item.put("p", notice.preview());
            item.put("r", new LinkedHashMap<>(notice.onlineDevicesByRecipient()));
            if (!notice.mentioned().isEmpty()) {
                item.put("m", List.copyOf(notice.mentioned()));
            }
            list.add(item);
        }
        return JsonTree.write(Map.of("notices", list));
    }

    @SuppressWarnings("unchecked")
    public static List<OfflineNotice> decode(String body) {
        try {
            Map<String, Object> root = (Map<String, Object>) JsonTree.parse(body);
            List<OfflineNotice> notices = new ArrayList<>();
            for (Object value : (List<Object>) root.get("notices")) {
                Map<String, Object> item = (Map<String, Object>) value;
                Map<String, List<String>> recipients = new LinkedHashMap<>();
                ((Map<String, Object>) item.get("r")).forEach((user, devices) ->
                        recipients.put(user, ((List<Object>) devices).stream().map(String::valueOf).toList()));
                Set<String> mentioned = new HashSet<>();
                if (item.get("m") instanceof List<?> users) { // absent in notices queued before mentions were
                    users.forEach(user -> mentioned.add(String.valueOf(user)));
                }
                notices.add(new OfflineNotice((String) item.get("c"), ((Number) item.get("s")).longValue(),
                        (String) item.get("f"), (String) item.get("p"), recipients, mentioned));
            }
            return notices;
        } catch (IOException | ClassCastException | NullPointerException unreadable) {
            throw new IllegalArgumentException("not a notifications message: " + unreadable, unreadable);
        }
    }

    private Set<String> mentionedIn(Map<String, List<String>> part) {
        Set<String> kept = new HashSet<>(mentioned);
        kept.retainAll(part.keySet());
        return kept;
    }

    /** The same notice split into parts of at most {@code max} recipients. */
    public List<OfflineNotice> split(int max) {
        List<OfflineNotice> parts = new ArrayList<>();
        Map<String, List<String>> part = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> recipient : onlineDevicesByRecipient.entrySet()) {
            part.put(recipient.getKey(), recipient.getValue());
            if (part.size() == max) {
                parts.add(new OfflineNotice(conversationId, seq, senderId, preview, part, mentionedIn(part)));
                part = new LinkedHashMap<>();
            }
        }
        if (!part.isEmpty() || parts.isEmpty()) {
            parts.add(new OfflineNotice(conversationId, seq, senderId, preview, part, mentionedIn(part)));
        }
        return parts;
    }
}
