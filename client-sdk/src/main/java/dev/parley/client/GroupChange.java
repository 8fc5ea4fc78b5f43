package dev.parley.client;

import java.util.List;

/**
 * A group changed: a {@code members} frame, or (from {@link MessageListener#onMemberEntry}) the
 * change as its timeline entry of kind {@code member} keeps it. It says what changed and the
 * member count after it, never the member list (at 10,000 members a list does not fit a push):
 * page that with {@link ParleyClient#groupMembers}. {@code added} and {@code removed} list at most
 * 50 users, {@code addedCount} and {@code removedCount} say how many there were; {@code promoted}
 * to admin and {@code demoted}; {@code renamed} (then {@code name} is the new name);
 * {@code created}; {@code by} who did it; {@code seq} the change's timeline entry (0: none).
 */
public record GroupChange(String conversationId, long seq, String name, long memberCount, List<String> added,
                          long addedCount, List<String> removed, long removedCount, List<String> promoted,
                          List<String> demoted, boolean renamed, boolean created, String by) {
    public GroupChange {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        promoted = List.copyOf(promoted);
        demoted = List.copyOf(demoted);
    }
}
