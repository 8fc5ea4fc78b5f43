package dev.parley.model.domain;

import java.util.List;

/** A group conversation and its members. */
public record Group(String conversationId, String name, List<String> members) {
    public Group {
        members = List.copyOf(members);
    }
}
