package dev.parley.client;

import java.util.List;

/**
 * A group conversation as the HTTP API and {@code members} frames describe it: its name, members
 * and admins (protocol v2: the creator is the first admin; a group always keeps one).
 */
public record Group(String conversationId, String name, List<String> members, List<String> admins) {
    public Group {
        members = List.copyOf(members);
        admins = List.copyOf(admins);
    }

    public boolean isAdmin(String userId) {
        return admins.contains(userId);
    }
}
