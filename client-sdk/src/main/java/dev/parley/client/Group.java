package dev.parley.client;

import java.util.List;

/**
 * A group conversation as the HTTP API describes it. Protocol v2 adds admins; they will come as
 * a further component, so build no code on this record's constructor.
 */
public record Group(String conversationId, String name, List<String> members) {
    public Group {
        members = List.copyOf(members);
    }
}
