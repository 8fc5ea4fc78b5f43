package dev.parley.functions.support.memory;

import dev.parley.functions.store.ConversationStore;
import dev.parley.model.domain.ConversationKind;
import dev.parley.model.errors.NotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link ConversationStore} in memory, with the same guarantees as the DynamoDB adapter (atomic
 * counter, write-once member items, conditional member count), for fast service tests. The
 * adapter's conditions and keys are pinned by the DynamoDB Local tests.
 */
public final class InMemoryConversationStore implements ConversationStore {
    private record MetaItem(String kind, long lastSeq, long lastSeqAt, String name, String createdBy,
                            boolean membersRecorded, long memberCount) {}

    private final Map<String, MetaItem> metas = new ConcurrentHashMap<>();
    /** conversation -> member -> membership */
    private final Map<String, Map<String, Membership>> members = new ConcurrentHashMap<>();
    private final Map<String, Long> acks = new ConcurrentHashMap<>();

    @Override
    public synchronized SeqAllocation allocateSeq(String conversationId, String senderId, long now) {
        MetaItem meta = metas.getOrDefault(conversationId,
                new MetaItem(ConversationKind.of(conversationId).wire(), 0, now, null, null, false, 0));
        MetaItem next = new MetaItem(meta.kind(), meta.lastSeq() + 1, now, meta.name(), meta.createdBy(),
                meta.membersRecorded(), meta.memberCount());
        metas.put(conversationId, next);
        return new SeqAllocation(next.lastSeq(), next.membersRecorded());
    }

    @Override
    public synchronized void recordDirectMembers(String conversationId, List<String> users, long now) {
        users.forEach(user -> members.computeIfAbsent(conversationId, c -> new ConcurrentHashMap<>())
                .putIfAbsent(user, new Membership(conversationId, user, ConversationKind.DIRECT.wire(), 0, 0)));
        MetaItem meta = metas.get(conversationId);
        metas.put(conversationId, new MetaItem(meta.kind(), meta.lastSeq(), meta.lastSeqAt(), meta.name(),
                meta.createdBy(), true, meta.memberCount()));
    }

    @Override
    public boolean isMember(String conversationId, String userId) {
        return membership(conversationId, userId).isPresent();
    }

    @Override
    public Optional<Meta> meta(String conversationId) {
        MetaItem meta = metas.get(conversationId);
        return meta == null ? Optional.empty() : Optional.of(new Meta(conversationId, meta.kind(), meta.lastSeq(),
                meta.lastSeqAt(), meta.name(), meta.createdBy()));
    }

    @Override
    public synchronized void createGroup(String conversationId, String name, String createdBy, List<String> users, long now) {
        if (metas.containsKey(conversationId)) {
            throw new IllegalStateException("group exists");
        }
        metas.put(conversationId, new MetaItem(ConversationKind.GROUP.wire(), 0, now, name, createdBy, true, users.size()));
        users.forEach(user -> members.computeIfAbsent(conversationId, c -> new ConcurrentHashMap<>())
                .put(user, new Membership(conversationId, user, ConversationKind.GROUP.wire(), 0, 0, user.equals(createdBy))));
    }

    @Override
    public synchronized boolean reserveMembers(String conversationId, int count, int max) {
        MetaItem meta = metas.get(conversationId);
        if (meta == null || meta.memberCount() + count > max) {
            return false;
        }
        metas.put(conversationId, new MetaItem(meta.kind(), meta.lastSeq(), meta.lastSeqAt(), meta.name(),
                meta.createdBy(), meta.membersRecorded(), meta.memberCount() + count));
        return true;
    }

    @Override
    public synchronized void releaseMembers(String conversationId, int count) {
        MetaItem meta = metas.get(conversationId);
        if (meta != null) {
            metas.put(conversationId, new MetaItem(meta.kind(), meta.lastSeq(), meta.lastSeqAt(), meta.name(),
                    meta.createdBy(), meta.membersRecorded(), meta.memberCount() - count));
        }
    }

    @Override
    public synchronized List<String> addMembers(String conversationId, List<String> users, long joinedSeq, long now) {
        List<String> added = new ArrayList<>();
        for (String user : users) {
            if (members.computeIfAbsent(conversationId, c -> new ConcurrentHashMap<>())
                    .putIfAbsent(user, new Membership(conversationId, user, ConversationKind.GROUP.wire(), joinedSeq,
                            joinedSeq)) == null) {
                added.add(user);
            }
        }
        return added;
    }

    @Override
    public synchronized Removal removeMember(String conversationId, String userId) {
        Map<String, Membership> group = members.getOrDefault(conversationId, Map.of());
        Membership membership = group.get(userId);
        if (membership == null) {
            return Removal.NOT_MEMBER;
        }
        if (membership.admin() && admins(conversationId) == 1 && group.size() > 1) {
            return Removal.LAST_ADMIN;
        }
        group.remove(userId);
        return Removal.REMOVED;
    }

    @Override
    public synchronized boolean promote(String conversationId, String userId) {
        Membership membership = members.getOrDefault(conversationId, Map.of()).get(userId);
        if (membership == null) {
            throw new NotFoundException(userId + " is not a member of " + conversationId);
        }
        if (membership.admin()) {
            return false;
        }
        members.get(conversationId).put(userId, withAdmin(membership, true));
        return true;
    }

    @Override
    public synchronized Demotion demote(String conversationId, String userId) {
        Membership membership = members.getOrDefault(conversationId, Map.of()).get(userId);
        if (membership == null || !membership.admin()) {
            return Demotion.NOT_ADMIN;
        }
        if (admins(conversationId) == 1) {
            return Demotion.LAST_ADMIN;
        }
        members.get(conversationId).put(userId, withAdmin(membership, false));
        return Demotion.DEMOTED;
    }

    /** Groups created here always record admins. */
    @Override
    public boolean adoptCreator(String conversationId, String creator) {
        return false;
    }

    @Override
    public synchronized void rename(String conversationId, String name) {
        MetaItem meta = metas.get(conversationId);
        metas.put(conversationId, new MetaItem(meta.kind(), meta.lastSeq(), meta.lastSeqAt(), name, meta.createdBy(),
                meta.membersRecorded(), meta.memberCount()));
    }

    private long admins(String conversationId) {
        return members.getOrDefault(conversationId, Map.of()).values().stream().filter(Membership::admin).count();
    }

    private static Membership withAdmin(Membership membership, boolean admin) {
        return new Membership(membership.conversationId(), membership.userId(), membership.kind(), membership.readSeq(),
                membership.joinedSeq(), admin);
    }

    @Override
    public Optional<Membership> membership(String conversationId, String userId) {
        return Optional.ofNullable(members.getOrDefault(conversationId, Map.of()).get(userId));
    }

    @Override
    public List<Membership> conversationsOf(String userId) {
        List<Membership> result = new ArrayList<>();
        members.values().forEach(byUser -> {
            Membership membership = byUser.get(userId);
            if (membership != null) {
                result.add(membership);
            }
        });
        return result;
    }

    @Override
    public synchronized boolean advanceRead(String conversationId, String userId, long seq) {
        Membership membership = members.getOrDefault(conversationId, Map.of()).get(userId);
        if (membership == null || membership.readSeq() >= seq) {
            return false;
        }
        members.get(conversationId).put(userId, new Membership(conversationId, userId, membership.kind(), seq,
                membership.joinedSeq(), membership.admin()));
        return true;
    }

    @Override
    public void advanceAck(String conversationId, String userId, String deviceId, long seq) {
        acks.merge(conversationId + "#" + userId + "#" + deviceId, seq, Math::max);
    }

    /** Every ack item written, for "nothing was written" assertions. */
    public int ackItems() {
        return acks.size();
    }

    @Override
    public boolean exists(String conversationId) {
        return metas.containsKey(conversationId);
    }

    @Override
    public List<String> members(String conversationId) {
        return List.copyOf(members.getOrDefault(conversationId, Map.of()).keySet());
    }

    @Override
    public List<Membership> memberships(String conversationId) {
        return List.copyOf(members.getOrDefault(conversationId, Map.of()).values());
    }

    @Override
    public MemberPage memberPage(String conversationId, String afterUserId, int limit) {
        List<Membership> sorted = members.getOrDefault(conversationId, Map.of()).values().stream()
                .sorted(java.util.Comparator.comparing(Membership::userId))
                .filter(m -> afterUserId == null || m.userId().compareTo(afterUserId) > 0).toList();
        if (sorted.size() <= limit) {
            return new MemberPage(sorted, null);
        }
        List<Membership> page = sorted.subList(0, limit);
        return new MemberPage(List.copyOf(page), page.get(limit - 1).userId());
    }

    @Override
    public long memberCount(String conversationId) {
        MetaItem meta = metas.get(conversationId);
        return meta == null ? -1 : meta.memberCount();
    }

    @Override
    public java.util.Set<String> adminOf(String userId, java.util.Collection<String> conversationIds) {
        java.util.Set<String> admins = new java.util.HashSet<>();
        for (String conversationId : conversationIds) {
            membership(conversationId, userId).filter(Membership::admin).ifPresent(m -> admins.add(conversationId));
        }
        return admins;
    }
}
