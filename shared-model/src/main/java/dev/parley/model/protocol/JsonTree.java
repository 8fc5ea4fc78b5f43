package dev.parley.model.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON tree on jackson-core's streaming API: objects are {@link LinkedHashMap}s, arrays
 * {@link List}s, numbers {@link Long}, {@link java.math.BigInteger} or {@link java.math.BigDecimal}
 * (exactly as written), JSON null is {@link #NULL}. It spares the Lambda jar jackson-databind
 * (1.7 MB) and its ObjectMapper start-up, which matter on cold starts.
 */
public final class JsonTree {
    private static final JsonFactory FACTORY = new JsonFactory();

    /** JSON {@code null}, distinct from an absent field. */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private JsonTree() {}

    /** Parses one JSON value; throws for anything that is not exactly one JSON value. */
    public static Object parse(String text) throws IOException {
        return parse(FACTORY, text);
    }

    /** Compact JSON text of maps, lists, strings, numbers, booleans and {@link #NULL}. */
    public static String write(Object value) {
        try {
            return write(FACTORY, value);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Nesting depth: a scalar is 0, an object or array holding only scalars is 1. */
    public static int depth(Object value) {
        int deepest = 0;
        if (value instanceof Map<?, ?> object) {
            for (Object child : object.values()) {
                deepest = Math.max(deepest, depth(child));
            }
            return deepest + 1;
        }
        if (value instanceof List<?> array) {
            for (Object child : array) {
                deepest = Math.max(deepest, depth(child));
            }
            return deepest + 1;
        }
        return 0;
    }

    /**
     * Whether every string of the tree (object keys included) is well-formed UTF-16: JSON lets a
     * {@code \uD800} escape stand alone, but no UTF-8 encoder can store or send such a string
     * (it would become {@code ?}), so Parley refuses it on the way in.
     */
    public static boolean wellFormedText(Object value) {
        if (value instanceof String text) {
            return wellFormed(text);
        }
        if (value instanceof Map<?, ?> object) {
            for (Map.Entry<?, ?> entry : object.entrySet()) {
                if (!wellFormed(String.valueOf(entry.getKey())) || !wellFormedText(entry.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (value instanceof List<?> array) {
            for (Object child : array) {
                if (!wellFormedText(child)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean wellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** Parses one JSON value and requires that nothing but whitespace follows it. */
    static Object parse(JsonFactory factory, String text) throws IOException {
        try (JsonParser parser = factory.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new IOException("empty");
            }
            Object value = read(parser, first);
            if (parser.nextToken() != null) {
                throw new IOException("trailing content");
            }
            return value;
        }
    }

    private static Object read(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT: {
                Map<String, Object> object = new LinkedHashMap<>();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_OBJECT; next = parser.nextToken()) {
                    String name = parser.currentName();
                    object.put(name, read(parser, parser.nextToken()));
                }
                return object;
            }
            case START_ARRAY: {
                List<Object> array = new ArrayList<>();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
                    array.add(read(parser, next));
                }
                return array;
            }
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT:
                return parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? parser.getBigIntegerValue() : (Object) parser.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return parser.getDecimalValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return NULL;
            default:
                throw new IOException("unexpected token " + token);
        }
    }

    /** Compact JSON text of a value read by {@link #parse}. */
    static String write(JsonFactory factory, Object value) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = factory.createGenerator(out)) {
            write(generator, value);
        }
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    private static void write(JsonGenerator g, Object value) throws IOException {
        if (value instanceof Map<?, ?> object) {
            g.writeStartObject();
            for (Map.Entry<String, Object> field : ((Map<String, Object>) object).entrySet()) {
                g.writeFieldName(field.getKey());
                write(g, field.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof List<?> array) {
            g.writeStartArray();
            for (Object element : array) {
                write(g, element);
            }
            g.writeEndArray();
        } else if (value instanceof String text) {
            g.writeString(text);
        } else if (value instanceof Long number) {
            g.writeNumber(number);
        } else if (value instanceof java.math.BigInteger number) {
            g.writeNumber(number);
        } else if (value instanceof java.math.BigDecimal number) {
            g.writeNumber(number);
        } else if (value instanceof Integer number) {
            g.writeNumber(number);
        } else if (value instanceof Double number) {
            if (number == Math.rint(number) && !Double.isInfinite(number)) {
                g.writeNumber(number.longValue());
            } else {
                g.writeNumber(number);
            }
        } else if (value instanceof Boolean bool) {
            g.writeBoolean(bool);
        } else {
            g.writeNull();
        }
    }
}
