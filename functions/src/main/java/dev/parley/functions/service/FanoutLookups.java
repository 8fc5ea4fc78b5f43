package dev.parley.functions.service;

import dev.parley.functions.service.FanoutService.Delivery;
import dev.parley.functions.store.Connection;
import dev.parley.functions.store.ConnectionStore;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The reads fan-out needs: the members of each conversation of the batch (through
 * {@link ConversationAccess}), then every member's connections, run concurrently (a 100-member
 * group is 100 Queries). A delivery whose lookups failed is named in {@link Found#failed}, to be
 * retried.
 */
final class FanoutLookups {
    /** What was found: members (with the seq they joined after) per conversation, connections per user. */
    record Found(Map<String, Map<String, Long>> membersByConversation, Map<String, List<Connection>> connectionsByUser,
                 Set<String> failed) {
        Map<String, Long> members(String conversationId) {
            return membersByConversation.getOrDefault(conversationId, Map.of());
        }

        List<Connection> connections(String userId) {
            return connectionsByUser.getOrDefault(userId, List.of());
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

    Found lookUp(List<Delivery> deliveries) {
        Map<String, Future<Map<String, Long>>> members = new LinkedHashMap<>();
        for (Delivery delivery : deliveries) {
            members.computeIfAbsent(delivery.entry().conversationId(),
                    conversationId -> executor.submit(() -> access.members(conversationId)));
        }
        Map<String, Map<String, Long>> membersByConversation = new HashMap<>();
        Map<String, Future<List<Connection>>> lookups = new LinkedHashMap<>();
        members.forEach((conversationId, future) -> {
            Map<String, Long> ids = await(future);
            if (ids != null) {
                membersByConversation.put(conversationId, ids);
                for (String member : ids.keySet()) {
                    lookups.computeIfAbsent(member, user -> executor.submit(() -> connections.forUser(user)));
                }
            }
        });
        Map<String, List<Connection>> connectionsByUser = new HashMap<>();
        Set<String> unknownUsers = new HashSet<>();
        lookups.forEach((user, future) -> {
            List<Connection> found = await(future);
            if (found == null) {
                unknownUsers.add(user);
            } else {
                connectionsByUser.put(user, found);
            }
        });
        Set<String> failed = new HashSet<>();
        for (Delivery delivery : deliveries) {
            Map<String, Long> ids = membersByConversation.get(delivery.entry().conversationId());
            if (ids == null || ids.keySet().stream().anyMatch(unknownUsers::contains)) {
                failed.add(delivery.id());
            }
        }
        return new Found(membersByConversation, connectionsByUser, failed);
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
