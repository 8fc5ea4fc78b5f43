package dev.parley.functions.service;

import dev.parley.functions.service.FanoutService.Delivery;
import dev.parley.functions.store.Connection;
import dev.parley.functions.store.ConnectionStore;
import dev.parley.functions.store.LiveUser;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The reads fan-out needs: the members of each conversation of the batch (through
 * {@link ConversationAccess}, concurrently across conversations), then the members' live
 * connections, {@link #USERS_PER_LOOKUP} users per call (one BatchGetItem of the connections
 * store), the calls concurrent. A delivery whose lookups failed is named in {@link Found#failed},
 * to be retried.
 */
final class FanoutLookups {
    /** Users per connections lookup: BatchGetItem's 100 keys. */
    static final int USERS_PER_LOOKUP = 100;

    /**
     * What was found: members (with the seq they joined after) per conversation, and each user's
     * live item (their connections and push devices).
     */
    record Found(Map<String, Map<String, Long>> membersByConversation, Set<String> failed,
                 Map<String, LiveUser> liveUsers) {
        /** Connections without push devices known (every recipient may be notified). */
        Found(Map<String, Map<String, Long>> membersByConversation, Map<String, List<Connection>> connectionsByUser,
              Set<String> failed) {
            this(membersByConversation, failed, liveUsersOf(connectionsByUser));
        }

        private static Map<String, LiveUser> liveUsersOf(Map<String, List<Connection>> connectionsByUser) {
            Map<String, LiveUser> live = new HashMap<>();
            connectionsByUser.forEach((user, connections) -> live.put(user, new LiveUser(connections, null)));
            return live;
        }

        /** Whether a notification may be due for the user (true when not known). */
        boolean mayNotify(String userId) {
            LiveUser live = liveUsers.get(userId);
            return live == null || live.hasOfflineDevice();
        }

        Map<String, Long> members(String conversationId) {
            return membersByConversation.getOrDefault(conversationId, Map.of());
        }

        List<Connection> connections(String userId) {
            LiveUser live = liveUsers.get(userId);
            return live == null ? List.of() : live.connections();
        }
    }

    private final ConversationAccess access;
    private final ConnectionStore connections;
    private final ExecutorService executor;

    FanoutLookups(ConversationAccess access, ConnectionStore connections, ExecutorService executor) {
        this.access = access;
        this.connections = connections;
        this.executor = executor;
    }

    /** The members of every conversation of the batch; a conversation whose read failed is absent. */
    Map<String, Map<String, Long>> members(List<Delivery> deliveries) {
        Map<String, Future<Map<String, Long>>> members = new LinkedHashMap<>();
        for (Delivery delivery : deliveries) {
            members.computeIfAbsent(delivery.entry().conversationId(),
                    conversationId -> executor.submit(() -> access.members(conversationId)));
        }
        Map<String, Map<String, Long>> membersByConversation = new HashMap<>();
        members.forEach((conversationId, future) -> {
            Map<String, Long> ids = await(future);
            if (ids != null) {
                membersByConversation.put(conversationId, ids);
            }
        });
        return membersByConversation;
    }

    /**
     * The connections of every member of {@code membersByConversation}; a delivery whose
     * conversation was not read, or one of whose members' connections could not be read, is
     * named failed.
     */
    Found connections(List<Delivery> deliveries, Map<String, Map<String, Long>> membersByConversation) {
        Set<String> users = new LinkedHashSet<>();
        membersByConversation.values().forEach(members -> users.addAll(members.keySet()));
        List<String> all = new ArrayList<>(users);
        Map<List<String>, Future<Map<String, LiveUser>>> lookups = new LinkedHashMap<>();
        for (int from = 0; from < all.size(); from += USERS_PER_LOOKUP) {
            List<String> part = all.subList(from, Math.min(all.size(), from + USERS_PER_LOOKUP));
            lookups.put(part, executor.submit(() -> connections.forUsers(part)));
        }
        Map<String, LiveUser> liveUsers = new HashMap<>();
        Set<String> unknownUsers = new HashSet<>();
        lookups.forEach((part, future) -> {
            Map<String, LiveUser> found = await(future);
            if (found == null) {
                unknownUsers.addAll(part);
            } else {
                liveUsers.putAll(found);
            }
        });
        Set<String> failed = new HashSet<>();
        for (Delivery delivery : deliveries) {
            Map<String, Long> ids = membersByConversation.get(delivery.entry().conversationId());
            if (ids == null || (!unknownUsers.isEmpty() && anyOf(ids.keySet(), unknownUsers))) {
                failed.add(delivery.id());
            }
        }
        return new Found(membersByConversation, failed, liveUsers);
    }

    private static boolean anyOf(Collection<String> members, Set<String> unknown) {
        return members.stream().anyMatch(unknown::contains);
    }

    /** The value, or null when the lookup failed. */
    private static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (ExecutionException failed) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
