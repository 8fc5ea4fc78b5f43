package dev.parley.model.domain;

import java.util.List;

/**
 * A group conversation, its members and its admins (protocol v2: the creator is the first admin;
 * a group always keeps one).
 */
public record Group(String conversationId, String name, List<String> members, List<String> admins) {
    public Group {
        members = List.copyOf(members);
        admins = List.copyOf(admins);
    }
}
