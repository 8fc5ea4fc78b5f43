package dev.parley.functions.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.functions.support.TestDynamo;
import dev.parley.model.config.Setting;
import dev.parley.model.tables.Tables;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The member cap on DynamoDB Local: one conditional write on the group's meta item per addition. */
class MemberCapTest {
    private final DynamoConversationStore store =
            new DynamoConversationStore(TestDynamo.client(), TestDynamo.table(Setting.CONVERSATIONS_TABLE));
    private final String group = "grp:" + UUID.randomUUID().toString().substring(0, 12);

    private static List<String> users(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
    }

    private long storedCount() {
        return Long.parseLong(TestDynamo.get(Setting.CONVERSATIONS_TABLE, Map.of(
                Tables.Conversations.CONVERSATION_ID, AttributeValue.fromS(group),
                Tables.Conversations.ITEM, AttributeValue.fromS(Tables.Conversations.META_ITEM)))
                .get(DynamoConversationStore.MEMBER_COUNT).n());
    }

    /** Issue 13: four concurrent adds of 40 users to a 449-member group all succeeded (610 members). */
    @Test
    void concurrentReservationsNeverPassTheCap() throws Exception {
        store.createGroup(group, "big", "owner", users("m", 449), 1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Boolean>> reservations = new ArrayList<>();
        for (int batch = 0; batch < 4; batch++) {
            String prefix = "b" + batch + "-";
            reservations.add(pool.submit((Callable<Boolean>) () -> {
                if (!store.reserveMembers(group, 40, 500)) {
                    return false;
                }
                store.addMembers(group, users(prefix, 40), 0, 2);
                return true;
            }));
        }
        long granted = 0;
        for (Future<Boolean> reservation : reservations) {
            granted += reservation.get() ? 1 : 0;
        }
        pool.shutdown();
        assertThat(granted).isEqualTo(1);
        assertThat(store.memberships(group)).hasSize(489);
        assertThat(storedCount()).isEqualTo(489);
    }

    @Test
    void aGroupFromBeforeCountsWereKeptIsCountedOnItsFirstAddition() {
        store.createGroup(group, "old", "owner", users("m", 3), 1);
        TestDynamo.client().updateItem(u -> u.tableName(TestDynamo.table(Setting.CONVERSATIONS_TABLE))
                .key(Map.of(Tables.Conversations.CONVERSATION_ID, AttributeValue.fromS(group),
                        Tables.Conversations.ITEM, AttributeValue.fromS(Tables.Conversations.META_ITEM)))
                .updateExpression("REMOVE " + DynamoConversationStore.MEMBER_COUNT));

        assertThat(store.reserveMembers(group, 2, 5)).isTrue();
        assertThat(storedCount()).isEqualTo(5);
        assertThat(store.reserveMembers(group, 1, 5)).isFalse();
        store.releaseMembers(group, 1);
        assertThat(storedCount()).isEqualTo(4);
    }

    @Test
    void noRoomIsReservedInAGroupThatDoesNotExist() {
        assertThat(store.reserveMembers(group, 1, 500)).isFalse();
    }
}
