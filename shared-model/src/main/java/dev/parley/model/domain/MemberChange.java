package dev.parley.model.domain;

import java.util.List;

/**
 * What one change did to a group, as its {@code members} frame and its timeline entry (protocol
 * v2 addition, an entry of kind {@code member}) tell it: who joined, left or was removed, who was
 * promoted or demoted, the name after a rename or at creation, and how many members the group
 * has after the change. It never carries the member list: at 10,000 members a list is over
 * 128 KB, which no push may exceed; clients page the list over HTTP
 * ({@code GET /groups/{id}/members}).
 *
 * <p>On the server {@code added} and {@code removed} hold every user the change added or removed;
 * the wire carries at most {@link #MAX_LISTED} of each, with the full counts beside them
 * ({@code addedCount}, {@code removedCount}), which is what a client reads back.
 */
public record MemberChange(List<String> added, long addedCount, List<String> removed, long removedCount,
                           List<String> promoted, List<String> demoted, String name, boolean renamed, boolean created,
                           long memberCount) {
    /** Ids listed per kind of change on the wire: 50 user ids of 128 characters are under 7 KB. */
    public static final int MAX_LISTED = 50;

    public MemberChange {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        promoted = List.copyOf(promoted);
        demoted = List.copyOf(demoted);
    }

    /** A change as the server makes it: every id listed, counts from the lists. */
    public static MemberChange of(List<String> added, List<String> removed, List<String> promoted, List<String> demoted,
                                  String name, boolean renamed, boolean created, long memberCount) {
        return new MemberChange(added, added.size(), removed, removed.size(), promoted, demoted, name, renamed, created,
                memberCount);
    }

    /** At most {@link #MAX_LISTED} of {@code ids}, in their order. */
    public static List<String> listed(List<String> ids) {
        return ids.size() <= MAX_LISTED ? ids : ids.subList(0, MAX_LISTED);
    }
}
