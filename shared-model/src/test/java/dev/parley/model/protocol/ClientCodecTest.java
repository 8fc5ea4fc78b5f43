package dev.parley.model.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.model.domain.ConversationState;
import dev.parley.model.domain.Gap;
import dev.parley.model.domain.MemberChange;
import dev.parley.model.domain.Message;
import dev.parley.model.errors.ErrorCode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientCodecTest {
    private static final Message HELLO = new Message("dm:a:b", 7, "a", "m-1", "{\"text\":\"hi\",\"n\":[1,2.5,null]}", 1234);

    @Test
    void everyServerFrameReadsBackAsTheFrameThatWasEncoded() {
        List<ServerFrame> frames = List.of(
                new ServerFrame.Sent("r1", "dm:a:b", "m-1", 7, 1234),
                new ServerFrame.MessagePush(HELLO),
                new ServerFrame.GapPush(new Gap("grp:x", 3)),
                new ServerFrame.Pong("hb-1", 99),
                new ServerFrame.Synced("sync-1", List.of(
                        new ServerFrame.ConversationSync("dm:a:b", "direct", null, 9, 6, 3, List.of(HELLO), true),
                        new ServerFrame.ConversationSync("grp:x", "group", "Lunch", 0, 0, 0, List.of(), false, true))),
                new ServerFrame.SyncedChanges("sync-2", List.of(
                        new ServerFrame.ChangedConversation(new ConversationState("dm:a:b", "direct", null, 9, 6, 3, 1,
                                1234, true, 8, false), List.of(HELLO), true),
                        new ServerFrame.ChangedConversation(new ConversationState("grp:x", "group", "Lunch", 4, 4, 0, 0,
                                99, false, 0, true), List.of(), false),
                        new ServerFrame.ChangedConversation(new ConversationState("grp:y", "group", "Tea", 4, 4, 0, 0,
                                99, false, 0, false, true), List.of(), false)), "MToxMjM0", true),
                new ServerFrame.HistoryPage("h-1", "dm:a:b", List.of(HELLO), false),
                new ServerFrame.Presence("bob", true, 55),
                new ServerFrame.Members("grp:x", 5, "a",
                        MemberChange.of(List.of("b"), List.of(), List.of(), List.of(), "Lunch", false, false, 2)),
                new ServerFrame.Members("grp:x", 0, "a",
                        MemberChange.of(List.of(), List.of(), List.of("b"), List.of(), "Dinner", true, false, 2)),
                new ServerFrame.ReadPush("dm:a:b", "b", 7));
        for (ServerFrame frame : frames) {
            assertThat(ClientCodec.read(FrameCodec.encode(frame))).isEqualTo(new ClientCodec.Frame(frame));
        }
    }

    @Test
    void errorRepliesKeepTheirCodeAsTextSoCodesOfANewerServerStillEndTheRequest() {
        String limited = FrameCodec.encode(new ServerFrame.Error("r1", ErrorCode.RATE_LIMITED, "slow down", 250L));
        assertThat(ClientCodec.read(limited)).isEqualTo(new ClientCodec.ErrorReply("r1", "RATE_LIMITED", "slow down", 250));
        assertThat(ClientCodec.read("{\"type\":\"error\",\"code\":\"SOMETHING_NEW\",\"message\":\"x\"}"))
                .isEqualTo(new ClientCodec.ErrorReply(null, "SOMETHING_NEW", "x", 0));
    }

    @Test
    void everyClientCommandIsReadBackByTheServersCodec() {
        List<ClientCommand> commands = List.of(
                new ClientCommand.Send("r1", "grp:x", null, "m-1", "{\"text\":\"hi\"}"),
                new ClientCommand.Send(null, null, "bob", "m-2", "{\"a\":{\"b\":[true]}}"),
                new ClientCommand.Heartbeat("hb-1"),
                new ClientCommand.Sync("s-1", Map.of("dm:a:b", 4L, "grp:x", 0L), 100),
                new ClientCommand.SyncChanges("s-2", "", 0, 100),
                new ClientCommand.History("h-1", "dm:a:b", 40L, 50),
                new ClientCommand.History("h-2", "dm:a:b", null, 1),
                new ClientCommand.Ack("a-1", "dm:a:b", 7),
                new ClientCommand.Read("r-2", "grp:x", 3));
        for (ClientCommand command : commands) {
            assertThat(FrameCodec.decode(ClientCodec.encode(command))).isEqualTo(command);
        }
    }

    @Test
    void aPageHoldingABodyStoredBeforeTheDepthLimitIsStillRead() {
        String body = nested(997);
        Message old = new Message("dm:a:b", 1, "a", "m-1", body, 1);
        String frame = FrameCodec.encode(new ServerFrame.Synced("sync-1", List.of(
                new ServerFrame.ConversationSync("dm:a:b", "direct", null, 1, 0, 1, List.of(old), false))));
        var reading = (ClientCodec.Frame) ClientCodec.read(frame);
        var synced = (ServerFrame.Synced) reading.frame();
        assertThat(synced.conversations().get(0).messages().get(0).bodyJson()).isEqualTo(body);
    }

    @Test
    void aFrameTooDeepToReadIsUnreadableWithItsTypeAndRequestId() {
        String frame = "{\"type\":\"history\",\"requestId\":\"h-9\",\"conversationId\":\"dm:a:b\",\"messages\":[{\"seq\":1,\"body\":"
                + nested(ClientCodec.MAX_READ_DEPTH + 10) + "}],\"hasMore\":false}";
        var reading = (ClientCodec.Unreadable) ClientCodec.read(frame);
        assertThat(reading.type()).isEqualTo("history");
        assertThat(reading.requestId()).isEqualTo("h-9");
        assertThat(reading.reason()).contains("not readable as JSON");
    }

    @Test
    void aKnownTypeWithAMissingFieldIsUnreadableAndNamesTheField() {
        var reading = (ClientCodec.Unreadable) ClientCodec.read(
                "{\"type\":\"history\",\"requestId\":\"h-1\",\"conversationId\":\"dm:a:b\",\"messages\":[{\"body\":{}}],\"hasMore\":true}");
        assertThat(reading.requestId()).isEqualTo("h-1");
        assertThat(reading.reason()).isEqualTo("frame.messages[0].seq must be an integer");
        assertThat(ClientCodec.read("not json")).isInstanceOf(ClientCodec.Unreadable.class);
        assertThat(ClientCodec.read("[1]")).isEqualTo(new ClientCodec.Unreadable(null, null, "not a JSON object"));
    }

    @Test
    void typesOfANewerServerAndTheGatewaysOwnErrorFrameAreUnknownNotUnreadable() {
        assertThat(ClientCodec.read("{\"type\":\"poll\",\"conversationId\":\"grp:x\",\"userId\":\"b\",\"state\":\"open\"}"))
                .isEqualTo(new ClientCodec.Unknown("poll", null));
        assertThat(ClientCodec.read("{\"message\": \"Internal server error\", \"connectionId\":\"abc=\", \"requestId\":\"gw\"}"))
                .isEqualTo(new ClientCodec.Unknown(null, "gw"));
    }

    @Test
    void pageEntriesWithoutConversationIdTakeThePagesOneAndUnknownFieldsAreIgnored() {
        var reading = (ClientCodec.Frame) ClientCodec.read("""
                {"type":"history","requestId":"h-1","conversationId":"grp:x","hasMore":false,"future":{"x":1},
                 "messages":[{"seq":1,"senderId":"a","clientMsgId":"x","body":{"text":"hi"},"sentAt":5,"kind":"message"}]}
                """);
        var page = (ServerFrame.HistoryPage) reading.frame();
        assertThat(page.messages()).containsExactly(new Message("grp:x", 1, "a", "x", "{\"text\":\"hi\"}", 5));
    }

    static String nested(int depth) {
        return "{\"a\":".repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
    }
}
