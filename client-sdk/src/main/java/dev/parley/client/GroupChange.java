package dev.parley.client;

import java.util.List;

/**
 * A group changed (a {@code members} frame): {@link #group()} is its state after the change, the
 * lists say what changed ({@code added}, {@code removed}, {@code promoted} to admin,
 * {@code demoted}), {@code renamed} whether the name did, and {@code by} who did it. Not stored
 * and without a seq: an application shows it in the conversation's timeline when it arrives, and
 * reads the current state from {@link ParleyClient#group(String)} or the HTTP API after being away.
 */
public record GroupChange(Group group, List<String> added, List<String> removed, List<String> promoted,
                          List<String> demoted, boolean renamed, String by) {
    public GroupChange {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        promoted = List.copyOf(promoted);
        demoted = List.copyOf(demoted);
    }
}
