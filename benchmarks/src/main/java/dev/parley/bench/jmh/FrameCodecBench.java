package dev.parley.bench.jmh;

import dev.parley.model.domain.Message;
import dev.parley.model.protocol.ClientCommand;
import dev.parley.model.protocol.FrameCodec;
import dev.parley.model.protocol.ServerFrame;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU cost of the wire format on the send path: decoding and validating a send frame (every
 * send invocation does it once) and encoding the push (once per fan-out record) and the sent
 * reply. Compared with the milliseconds of a send, it says whether the codec matters at all.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FrameCodecBench {
    private static final String SEND = "{\"action\":\"send\",\"requestId\":\"r-01JD7Q6ZK3M4N5P6Q7R8S9T0VW\","
            + "\"to\":\"9e8d7c6b-2222-4f3e-8d2c-ba9876543210\",\"clientMsgId\":\"01JD7Q6ZK3M4N5P6Q7R8S9T0VW\","
            + "\"body\":{\"text\":\"a short text message, as most chat messages are\",\"replyTo\":41,"
            + "\"attachment\":{\"url\":\"https://cdn.example/cat.jpg\",\"w\":640,\"h\":480}}}";
    private static final Message MESSAGE = new Message(
            "dm:4f1b2c3d-1111-4a5b-9c8d-0123456789ab:9e8d7c6b-2222-4f3e-8d2c-ba9876543210", 12_345,
            "4f1b2c3d-1111-4a5b-9c8d-0123456789ab", "01JD7Q6ZK3M4N5P6Q7R8S9T0VW",
            "{\"text\":\"a short text message, as most chat messages are\",\"replyTo\":41}", 1_795_411_812_345L);

    @Benchmark
    public ClientCommand decodeSend() {
        return FrameCodec.decode(SEND);
    }

    @Benchmark
    public String encodeMessagePush() {
        return FrameCodec.encode(new ServerFrame.MessagePush(MESSAGE));
    }

    @Benchmark
    public String encodeSentReply() {
        return FrameCodec.encode(new ServerFrame.Sent("r-1", MESSAGE.conversationId(), MESSAGE.clientMsgId(),
                MESSAGE.seq(), MESSAGE.sentAt()));
    }
}
