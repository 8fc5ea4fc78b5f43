package dev.parley.functions.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.functions.store.ConversationStore.Demotion;
import dev.parley.functions.store.ConversationStore.Membership;
import dev.parley.functions.store.ConversationStore.Removal;
import dev.parley.functions.support.TestDynamo;
import dev.parley.model.config.Setting;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.errors.BlockedException;
import dev.parley.model.tables.Tables.Conversations;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The conditions that protect protocol v2's group and block guarantees, on DynamoDB Local: a group
 * keeps an admin whatever the concurrency (the admin count is the condition of every transaction
 * that takes one away), and a blocked sender's seq is never drawn.
 */
class AdminsAndBlocksTest {
    private final DynamoConversationStore store =
            new DynamoConversationStore(TestDynamo.client(), TestDynamo.table(Setting.CONVERSATIONS_TABLE));
    private final DynamoBlockStore blocks = new DynamoBlockStore(TestDynamo.client(),
            TestDynamo.table(Setting.INBOX_TABLE), TestDynamo.table(Setting.CONVERSATIONS_TABLE));
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String group = "grp:" + suffix;
    private final String alice = "alice-" + suffix;
    private final String bob = "bob-" + suffix;
    private final String carol = "carol-" + suffix;

    private void remove(String item, String attribute) {
        TestDynamo.client().updateItem(update -> update.tableName(TestDynamo.table(Setting.CONVERSATIONS_TABLE))
                .key(Map.of(Conversations.CONVERSATION_ID, AttributeValue.fromS(group), Conversations.ITEM, AttributeValue.fromS(item)))
                .updateExpression("REMOVE #attribute").expressionAttributeNames(Map.of("#attribute", attribute)));
    }

    private List<String> admins() {
        return store.memberships(group).stream().filter(Membership::admin).map(Membership::userId).toList();
    }

    @Test
    void theCreatorIsTheFirstAdminAndPromotionIsIdempotent() {
        store.createGroup(group, "team", alice, List.of(alice, bob, carol), 1);
        assertThat(admins()).containsExactly(alice);
        assertThat(store.promote(group, bob)).isTrue();
        assertThat(store.promote(group, bob)).isFalse();
        assertThat(admins()).containsExactlyInAnyOrder(alice, bob);
        assertThatThrownBy(() -> store.promote(group, "nobody-" + suffix))
                .isInstanceOf(dev.parley.model.errors.NotFoundException.class);
    }

    @Test
    void twoAdminsDemotingThemselvesAtOnceLeaveOneAdmin() throws Exception {
        for (int round = 0; round < 5; round++) {
            String id = group + "-" + round;
            store.createGroup(id, "team", alice, List.of(alice, bob), 1);
            store.promote(id, bob);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<Demotion>> demotions = new ArrayList<>();
            for (String admin : List.of(alice, bob)) {
                demotions.add(pool.submit((Callable<Demotion>) () -> store.demote(id, admin)));
            }
            List<Demotion> outcomes = new ArrayList<>();
            for (Future<Demotion> demotion : demotions) {
                outcomes.add(demotion.get());
            }
            pool.shutdown();
            assertThat(outcomes).containsExactlyInAnyOrder(Demotion.DEMOTED, Demotion.LAST_ADMIN);
            assertThat(store.memberships(id).stream().filter(Membership::admin).count()).isEqualTo(1);
        }
    }

    @Test
    void theLastAdminCannotLeaveWhileOthersRemainButMayLeaveAnEmptyGroup() {
        store.createGroup(group, "team", alice, List.of(alice, bob), 1);
        assertThat(store.removeMember(group, alice)).isEqualTo(Removal.LAST_ADMIN);
        assertThat(store.removeMember(group, bob)).isEqualTo(Removal.REMOVED);
        store.releaseMembers(group, 1);
        assertThat(store.removeMember(group, alice)).isEqualTo(Removal.REMOVED);
        assertThat(store.removeMember(group, alice)).isEqualTo(Removal.NOT_MEMBER);
    }

    @Test
    void theCreatorOfAGroupFromBeforeAdminsBecomesItsAdminOnce() {
        store.createGroup(group, "old", alice, List.of(alice, bob), 1);
        // As groups were stored before protocol v2: no admin count, no admin flag.
        remove(Conversations.META_ITEM, Conversations.ADMIN_COUNT);
        remove(Conversations.memberItem(alice), Conversations.ADMIN);
        assertThat(store.meta(group).orElseThrow().adminsRecorded()).isFalse();
        assertThat(admins()).isEmpty();

        assertThat(store.adoptCreator(group, bob)).as("not the creator").isFalse();
        assertThat(store.adoptCreator(group, alice)).isTrue();
        assertThat(store.adoptCreator(group, alice)).as("once").isFalse();
        assertThat(admins()).containsExactly(alice);
        assertThat(store.meta(group).orElseThrow().adminsRecorded()).isTrue();
        assertThat(store.demote(group, alice)).isEqualTo(Demotion.LAST_ADMIN);
    }

    @Test
    void aBlockedSenderDrawsNoSeqInTheirDirectConversationAndTheBlockerStillDoes() {
        String direct = ConversationId.direct(alice, bob);
        assertThat(store.allocateSeq(direct, bob, 1).seq()).isEqualTo(1);
        blocks.block(alice, bob, 2);
        blocks.block(alice, bob, 3);
        assertThatThrownBy(() -> store.allocateSeq(direct, bob, 4)).isInstanceOf(BlockedException.class);
        assertThat(store.meta(direct).orElseThrow().lastSeq()).isEqualTo(1);
        assertThat(store.allocateSeq(direct, alice, 5).seq()).isEqualTo(2);
        assertThat(blocks.blocked(alice)).containsExactly(bob);
        assertThat(blocks.blockedBy(bob)).containsExactly(alice);
        blocks.unblock(alice, bob);
        assertThat(store.allocateSeq(direct, bob, 6).seq()).isEqualTo(3);
        assertThat(blocks.blocked(alice)).isEmpty();
        assertThat(blocks.blockedBy(bob)).isEmpty();
    }

    @Test
    void blockingBeforeAnyMessageLeavesTheCounterToTheFirstSend() {
        String direct = ConversationId.direct(alice, carol);
        blocks.block(carol, alice, 1);
        assertThat(store.meta(direct).orElseThrow().lastSeq()).isZero();
        assertThatThrownBy(() -> store.allocateSeq(direct, alice, 2)).isInstanceOf(BlockedException.class);
        blocks.unblock(carol, alice);
        blocks.unblock(carol, alice);
        assertThat(store.allocateSeq(direct, alice, 3).seq()).isEqualTo(1);
    }
}
