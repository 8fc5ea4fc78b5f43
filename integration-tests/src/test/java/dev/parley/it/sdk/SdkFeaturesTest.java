package dev.parley.it.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.Message;
import dev.parley.client.MessageView;
import dev.parley.client.ParleyClient;
import dev.parley.client.ServerErrorException;
import dev.parley.client.To;
import dev.parley.client.Typing;
import dev.parley.it.support.Parley;
import dev.parley.it.support.WsClient;
import dev.parley.model.domain.ConversationId;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The Java SDK's protocol v2 calls: reply, edit, delete, react, typing, with their callbacks, and
 * its per-message state model agreeing on every device, a fresh one included.
 */
class SdkFeaturesTest {

    /** An application that records the v2 callbacks besides what {@link Sdk.App} records. */
    static final class FeaturesApp extends Sdk.App {
        final List<Message> edits = new CopyOnWriteArrayList<>();
        final List<Message> deletes = new CopyOnWriteArrayList<>();
        final List<Message> reactions = new CopyOnWriteArrayList<>();
        final List<MessageView> changed = new CopyOnWriteArrayList<>();
        final List<Typing> typing = new CopyOnWriteArrayList<>();

        FeaturesApp(String name) {
            super(name);
        }

        @Override
        public void onEdit(Message edit) {
            edits.add(edit);
        }

        @Override
        public void onDelete(Message delete) {
            deletes.add(delete);
        }

        @Override
        public void onReaction(Message reaction) {
            reactions.add(reaction);
        }

        @Override
        public void onMessageChanged(MessageView view) {
            changed.add(view);
        }

        @Override
        public void onTyping(Typing signal) {
            typing.add(signal);
        }
    }

    @Test
    void everyDeviceKeepsTheSameStateOfEachMessageAsTheServersHistory() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String conversation = ConversationId.direct(alice, bob);
        FeaturesApp aliceApp = new FeaturesApp("alice");
        FeaturesApp bobApp = new FeaturesApp("bob");
        try (ParleyClient a = Sdk.connect(alice, "phone", aliceApp); ParleyClient b = Sdk.connect(bob, "phone", bobApp)) {
            long first = a.sendText(To.user(bob), "lunch at noon?").join().seq();
            long second = b.reply(To.conversation(conversation), first,
                    WsClient.JSON.createObjectNode().put("text", "noon works")).join().seq();
            b.react(conversation, first, "👍").join();
            a.react(conversation, first, "👍").join();
            a.react(conversation, second, "🎉").join();
            a.unreact(conversation, second, "🎉").join();
            a.edit(conversation, first, WsClient.JSON.createObjectNode().put("text", "lunch at 12:30?")).join();
            long third = a.sendText(To.conversation(conversation), "oops").join().seq();
            a.delete(conversation, third).join();

            Sdk.await().until(() -> bobApp.deletes.size() == 1 && aliceApp.deletes.size() == 1);
            assertThat(bobApp.edits).extracting(Message::text).containsExactly("lunch at 12:30?");
            assertThat(bobApp.reactions).hasSize(4);
            assertThat(bobApp.messages.get(conversation)).extracting(Message::seq).containsExactly(first, second, third);
            assertThat(bobApp.messages.get(conversation).get(1).replyTo()).isEqualTo(first);

            MessageView bobsView = b.message(conversation, first).orElseThrow();
            assertThat(bobsView.text()).isEqualTo("lunch at 12:30?");
            assertThat(bobsView.editedAt()).isPositive();
            assertThat(bobsView.reactions()).containsExactly(new Message.Reaction("👍", 2, true));
            assertThat(b.message(conversation, second).orElseThrow().reactions()).isEmpty();
            assertThat(b.message(conversation, third).orElseThrow().deleted()).isTrue();
            assertThat(a.message(conversation, first).orElseThrow().reactions())
                    .containsExactly(new Message.Reaction("👍", 2, true));

            // A device that syncs from nothing holds the same views (its page carries the states).
            FeaturesApp laptopApp = new FeaturesApp("bob-laptop");
            try (ParleyClient laptop = Sdk.connect(bob, "laptop", laptopApp)) {
                Sdk.await().until(() -> laptop.message(conversation, third).isPresent());
                for (long seq : new long[] {first, second, third}) {
                    MessageView fresh = laptop.message(conversation, seq).orElseThrow();
                    MessageView live = b.message(conversation, seq).orElseThrow();
                    assertThat(fresh.text()).isEqualTo(live.text());
                    assertThat(fresh.deleted()).isEqualTo(live.deleted());
                    assertThat(fresh.reactions()).isEqualTo(live.reactions());
                    assertThat(fresh.editedAt() > 0).isEqualTo(live.editedAt() > 0);
                }
            }
        }
    }

    @Test
    void refusalsFailTheFutureWithTheirCode() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String conversation = ConversationId.direct(alice, bob);
        try (ParleyClient a = Sdk.connect(alice, "phone", new FeaturesApp("alice"));
             ParleyClient b = Sdk.connect(bob, "phone", new FeaturesApp("bob"))) {
            long seq = a.sendText(To.user(bob), "mine").join().seq();
            assertThat(codeOf(() -> b.edit(conversation, seq, WsClient.JSON.createObjectNode().put("text", "x")).join()))
                    .isEqualTo("FORBIDDEN");
            b.react(conversation, seq, "👍").join();
            assertThat(codeOf(() -> b.react(conversation, seq, "👍").join())).isEqualTo("CONFLICT");
            assertThat(codeOf(() -> b.unreact(conversation, seq, "🎉").join())).isEqualTo("NOT_FOUND");
            assertThat(codeOf(() -> a.reply(To.conversation(conversation), 99,
                    WsClient.JSON.createObjectNode().put("text", "x")).join())).isEqualTo("NOT_FOUND");
        }
    }

    @Test
    void typingReachesTheOtherMembersListener() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String conversation = ConversationId.direct(alice, bob);
        FeaturesApp bobApp = new FeaturesApp("bob");
        try (ParleyClient a = Sdk.connect(alice, "phone", new FeaturesApp("alice"));
             ParleyClient b = Sdk.connect(bob, "phone", bobApp)) {
            a.typing(conversation, true);
            Sdk.await().until(() -> !bobApp.typing.isEmpty());
            assertThat(bobApp.typing.get(0)).isEqualTo(new Typing(conversation, alice, true));
        }
    }

    private static String codeOf(Runnable call) {
        try {
            call.run();
        } catch (CompletionException failed) {
            assertThat(failed.getCause()).isInstanceOf(ServerErrorException.class);
            return ((ServerErrorException) failed.getCause()).code().name();
        }
        throw new AssertionError("expected a refusal");
    }
}
