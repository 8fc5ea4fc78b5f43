package dev.parley.model.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.model.domain.Gap;
import dev.parley.model.domain.Message;
import dev.parley.model.errors.BadRequestException;
import dev.parley.model.errors.ErrorCode;
import dev.parley.model.errors.PayloadTooLargeException;
import dev.parley.model.errors.UnknownActionException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

    @Test
    void aSendToAUserDecodesWithItsBodyCompacted() {
        var send = (ClientCommand.Send) FrameCodec.decode(
                "{\"action\":\"send\",\"requestId\":\"r1\",\"to\":\"bob\",\"clientMsgId\":\"c_1-A\",\"body\":{ \"text\" : \"hi\" }}");
        assertThat(send.requestId()).isEqualTo("r1");
        assertThat(send.to()).isEqualTo("bob");
        assertThat(send.conversationId()).isNull();
        assertThat(send.bodyJson()).isEqualTo("{\"text\":\"hi\"}");
    }

    @Test
    void syncCursorsAndPageLimitsDecode() {
        var sync = (ClientCommand.Sync) FrameCodec.decode(
                "{\"action\":\"sync\",\"cursors\":{\"dm:a:b\":4,\"grp:x\":0},\"limit\":500}");
        assertThat(sync.cursors()).isEqualTo(Map.of("dm:a:b", 4L, "grp:x", 0L));
        assertThat(sync.limit()).isEqualTo(FrameCodec.MAX_PAGE);
        var history = (ClientCommand.History) FrameCodec.decode("{\"action\":\"history\",\"conversationId\":\"dm:a:b\"}");
        assertThat(history.beforeSeq()).isNull();
        assertThat(history.limit()).isEqualTo(FrameCodec.DEFAULT_PAGE);
    }

    @Test
    void theRequestIdOfABadFrameIsKnownBeforeItsFieldsAreChecked() {
        var envelope = FrameCodec.readEnvelope("{\"action\":\"send\",\"requestId\":\"r9\"}");
        assertThat(envelope.requestId()).isEqualTo("r9");
        assertThatThrownBy(() -> FrameCodec.decode(envelope)).isInstanceOf(BadRequestException.class)
                .hasMessageContaining("exactly one of conversationId and to");
    }

    @Test
    void eachKindOfBadFrameHasItsCode() {
        assertThat(codeOf("not json")).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(codeOf("{\"action\":\"dance\"}")).isEqualTo(ErrorCode.UNKNOWN_ACTION);
        assertThat(codeOf("{\"action\":\"read\",\"conversationId\":\"dm:a:b\",\"seq\":-1}")).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(codeOf("{\"action\":\"read\",\"conversationId\":\"dm:a:b\",\"seq\":\"3\"}")).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(codeOf("{\"action\":\"ack\",\"conversationId\":\"dm:b:a\",\"seq\":3}")).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(codeOf("{\"action\":\"send\",\"to\":\"bob\",\"clientMsgId\":\"c\",\"body\":{\"text\":\""
                + "x".repeat(16 * 1024) + "\"}}")).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
    }

    @Test
    void theBodyLimitCountsUtf8Bytes() {
        // 6000 three-byte characters: 6000 chars but 18000 bytes.
        assertThatThrownBy(() -> FrameCodec.decode("{\"action\":\"send\",\"to\":\"bob\",\"clientMsgId\":\"c\",\"body\":{\"text\":\""
                + "€".repeat(6000) + "\"}}")).isInstanceOf(PayloadTooLargeException.class);
    }

    @Test
    void serverFramesHaveTheProtocolShapes() {
        Message message = new Message("dm:a:b", 7, "a", "c1", "{\"text\":\"hi\"}", 1700000000000L);
        assertThat(FrameCodec.encode(new ServerFrame.MessagePush(message))).isEqualTo(
                "{\"type\":\"message\",\"conversationId\":\"dm:a:b\",\"seq\":7,\"senderId\":\"a\",\"clientMsgId\":\"c1\","
                        + "\"body\":{\"text\":\"hi\"},\"sentAt\":1700000000000}");
        assertThat(FrameCodec.encode(new ServerFrame.GapPush(new Gap("dm:a:b", 8))))
                .isEqualTo("{\"type\":\"gap\",\"conversationId\":\"dm:a:b\",\"seq\":8}");
        assertThat(FrameCodec.encode(new ServerFrame.Sent("r", "dm:a:b", "c1", 7, 5)))
                .isEqualTo("{\"type\":\"sent\",\"requestId\":\"r\",\"conversationId\":\"dm:a:b\",\"clientMsgId\":\"c1\",\"seq\":7,\"sentAt\":5}");
        assertThat(FrameCodec.encode(new ServerFrame.Error(null, ErrorCode.RATE_LIMITED, "slow down", 250L)))
                .isEqualTo("{\"type\":\"error\",\"code\":\"RATE_LIMITED\",\"message\":\"slow down\",\"retryAfterMs\":250}");
    }

    /** A history or sync page holding a deletion or a reaction (no body) failed with a NullPointerException. */
    @Test
    void pageEntriesWithoutABodyAreMeasuredToo() {
        Message delete = new Message("dm:a:b", 9, "a", "c2", null, 5, 0, Message.Event.delete(7), null);
        Message reaction = new Message("dm:a:b", 10, "b", "c3", null, 6, 0, Message.Event.reaction(7, "👍", false), null);
        assertThat(FrameCodec.pageEntryBytes(delete)).isGreaterThan(40);
        assertThat(FrameCodec.pageEntryBytes(reaction)).isGreaterThan(FrameCodec.pageEntryBytes(delete));
    }

    private static ErrorCode codeOf(String frame) {
        try {
            FrameCodec.decode(frame);
            throw new AssertionError("accepted: " + frame);
        } catch (BadRequestException | UnknownActionException | PayloadTooLargeException e) {
            return ErrorCode.of(e);
        }
    }

    private static String nested(int depth) {
        return "{\"a\":".repeat(depth - 1) + "{\"text\":\"deep\"}" + "}".repeat(depth - 1);
    }

    @Test
    void aBodyNestedDeeperThanTheLimitIsBadRequestAndOneAtTheLimitPasses() {
        String frame = "{\"action\":\"send\",\"to\":\"bob\",\"clientMsgId\":\"c\",\"body\":%s}";
        assertThat(FrameCodec.decode(frame.formatted(nested(FrameCodec.MAX_BODY_DEPTH)))).isInstanceOf(ClientCommand.Send.class);
        assertThatThrownBy(() -> FrameCodec.decode(frame.formatted(nested(FrameCodec.MAX_BODY_DEPTH + 1))))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("nested");
        assertThatThrownBy(() -> FrameCodec.decode(frame.formatted(nested(997))))
                .isInstanceOf(BadRequestException.class);
    }

    @Test
    void aLoneSurrogateAnywhereInAFrameIsBadRequest() {
        for (String text : new String[] {"\\ud800", "x\\udc00y", "\\ud83d\\u0041"}) {
            assertThatThrownBy(() -> FrameCodec.decode("{\"action\":\"send\",\"to\":\"bob\",\"clientMsgId\":\"c\","
                    + "\"body\":{\"text\":\"" + text + "\"}}")).as(text).isInstanceOf(BadRequestException.class);
        }
        assertThatThrownBy(() -> FrameCodec.decode("{\"action\":\"heartbeat\",\"\\udfff\":1}"))
                .isInstanceOf(BadRequestException.class);
        var send = (ClientCommand.Send) FrameCodec.decode("{\"action\":\"send\",\"to\":\"bob\",\"clientMsgId\":\"c\","
                + "\"body\":{\"text\":\"\\ud83d\\ude00\"}}");
        assertThat(send.bodyJson()).contains("\ud83d\ude00");
    }

    @Test
    void aSyncWithMoreCursorsThanTheLimitIsBadRequest() {
        StringBuilder cursors = new StringBuilder();
        for (int i = 0; i <= FrameCodec.MAX_SYNC_CURSORS; i++) {
            cursors.append(i == 0 ? "" : ",").append("\"g:c").append(i).append("\":0");
        }
        assertThatThrownBy(() -> FrameCodec.decode("{\"action\":\"sync\",\"cursors\":{" + cursors + "}}"))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("cursors");
    }
}
