package dev.parley.local;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The local runtime's JSON mapper (dev endpoints, checkpoints). The functions use FrameCodec instead. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}
}
