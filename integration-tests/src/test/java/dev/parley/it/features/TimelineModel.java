package dev.parley.it.features;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a client following docs/protocol.md v2 keeps: each message's current state, built either by
 * applying pushed entries in seq order or from a history page (whose states already hold every
 * event up to their {@code stateSeq}). Two ways to the same picture, compared by {@link #view}.
 */
final class TimelineModel {
    private final String reader;
    private final Map<Long, Entry> messages = new TreeMap<>();

    private static final class Entry {
        String text;
        boolean edited;
        boolean deleted;
        long stateSeq;
        final Map<String, Long> counts = new TreeMap<>();
        final Map<String, Boolean> mine = new TreeMap<>();
    }

    TimelineModel(String reader) {
        this.reader = reader;
    }

    /** Applies a pushed or paged entry (a message, or an event on one), in seq order. */
    TimelineModel apply(JsonNode entry) {
        long seq = entry.get("seq").asLong();
        String kind = entry.path("kind").asText("message");
        if (kind.equals("message")) {
            Entry message = new Entry();
            message.text = entry.path("body").path("text").asText(null);
            message.deleted = entry.path("deleted").asBoolean(false);
            message.edited = entry.has("editedAt");
            message.stateSeq = entry.path("stateSeq").asLong(0);
            for (JsonNode reaction : entry.path("reactions")) {
                message.counts.put(reaction.get("emoji").asText(), reaction.get("count").asLong());
                if (reaction.get("me").asBoolean()) {
                    message.mine.put(reaction.get("emoji").asText(), true);
                }
            }
            messages.put(seq, message);
            return this;
        }
        Entry target = messages.get(entry.get("targetSeq").asLong());
        if (target == null || seq <= target.stateSeq) {
            return this; // not held, or already reflected in the state the page gave
        }
        target.stateSeq = seq;
        switch (kind) {
            case "edit" -> {
                target.text = entry.path("body").path("text").asText(null);
                target.edited = true;
            }
            case "delete" -> {
                target.deleted = true;
                target.text = null;
                target.counts.clear();
                target.mine.clear();
            }
            case "reaction" -> {
                String emoji = entry.get("emoji").asText();
                long delta = entry.path("remove").asBoolean(false) ? -1 : 1;
                long count = target.counts.getOrDefault(emoji, 0L) + delta;
                if (count > 0) {
                    target.counts.put(emoji, count);
                } else {
                    target.counts.remove(emoji);
                }
                if (entry.get("senderId").asText().equals(reader)) {
                    if (delta > 0) {
                        target.mine.put(emoji, true);
                    } else {
                        target.mine.remove(emoji);
                    }
                }
            }
            default -> throw new AssertionError("unknown kind " + kind);
        }
        return this;
    }

    /** One line per message: seq, text or deleted, edited, reactions with counts and the reader's own. */
    String view() {
        StringBuilder out = new StringBuilder();
        messages.forEach((seq, m) -> {
            out.append(seq).append(": ").append(m.deleted ? "(deleted)" : m.text).append(m.edited && !m.deleted ? " (edited)" : "");
            if (!m.deleted) {
                m.counts.forEach((emoji, count) -> out.append(' ').append(emoji).append('=').append(count)
                        .append(m.mine.containsKey(emoji) ? "*" : ""));
            }
            out.append('\n');
        });
        return out.toString();
    }

    static TimelineModel of(String reader, Iterable<JsonNode> entries) {
        TimelineModel model = new TimelineModel(reader);
        TreeMap<Long, JsonNode> bySeq = new TreeMap<>();
        entries.forEach(entry -> bySeq.put(entry.get("seq").asLong(), entry));
        bySeq.values().forEach(model::apply);
        return model;
    }

    static java.util.Set<Long> seqs(Iterable<JsonNode> entries) {
        java.util.Set<Long> seqs = new TreeSet<>();
        entries.forEach(entry -> seqs.add(entry.get("seq").asLong()));
        return seqs;
    }
}
