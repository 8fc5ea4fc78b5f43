package dev.parley.client;

import java.util.List;

/**
 * One page of a group's member list ({@code GET /groups/{id}/members}), in user id order:
 * {@code members} and which of them are {@code admins}, the group's {@code memberCount}, and
 * {@code cursor} to ask for the next page with (null on the last page).
 */
public record GroupMembersPage(String conversationId, long memberCount, List<String> members, List<String> admins,
                               String cursor) {
    public GroupMembersPage {
        members = List.copyOf(members);
        admins = List.copyOf(admins);
    }
}
