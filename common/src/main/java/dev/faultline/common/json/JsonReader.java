package dev.faultline.common.json;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON into maps (in document order), lists, strings, numbers ({@code Long}; {@code BigInteger} for a whole
 * number beyond it, as OCI specs' unlimited rlimits; {@code Double} when the text has a fraction or an exponent),
 * booleans and null. Small on purpose: a short command's start-up pays for every class.
 */
public final class JsonReader {
    /** Objects and arrays nested deeper are refused: the reader recurses, and a stack overflow is no error message. */
    static final int MAX_DEPTH = 512;

    private final String s;
    private final String subject;
    private int i;
    private int depth;

    private JsonReader(String s, String subject) {
        this.s = s;
        this.subject = subject;
    }

    /** The value of {@code json}; anything else (trailing text included) is refused. */
    public static Object parse(String json) {
        return parse(json, "the text");
    }

    /** As {@link #parse(String)}; an error says "{@code subject} is not JSON (what, at which character)". */
    public static Object parse(String json, String subject) {
        JsonReader r = new JsonReader(json, subject);
        Object v = r.value();
        r.space();
        if (r.i != r.s.length()) throw r.error("trailing characters");
        return v;
    }

    private Object value() {
        space();
        if (i >= s.length()) throw error("unexpected end");
        char c = s.charAt(i);
        switch (c) {
            case '{':
            case '[':
                if (++depth > MAX_DEPTH) throw error("nested deeper than " + MAX_DEPTH);
                Object nested = c == '{' ? object() : array();
                depth--;
                return nested;
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) return number();
                throw error("unexpected '" + c + "'");
        }
    }

    private Map<String, Object> object() {
        Map<String, Object> m = new LinkedHashMap<>();
        i++;
        space();
        if (peek() == '}') {
            i++;
            return m;
        }
        while (true) {
            space();
            if (peek() != '"') throw error("expected a key");
            String k = string();
            space();
            expect(':');
            m.put(k, value());
            space();
            if (peek() == ',') {
                i++;
                continue;
            }
            expect('}');
            return m;
        }
    }

    private List<Object> array() {
        List<Object> l = new ArrayList<>();
        i++;
        space();
        if (peek() == ']') {
            i++;
            return l;
        }
        while (true) {
            l.add(value());
            space();
            if (peek() == ',') {
                i++;
                continue;
            }
            expect(']');
            return l;
        }
    }

    private String string() {
        i++; // the opening quote
        StringBuilder b = new StringBuilder();
        while (true) {
            if (i >= s.length()) throw error("unterminated string");
            char c = s.charAt(i++);
            if (c == '"') return b.toString();
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (i >= s.length()) throw error("unterminated escape");
            char e = s.charAt(i++);
            switch (e) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'u' -> {
                    if (i + 4 > s.length()) throw error("short \\u escape");
                    try {
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    } catch (NumberFormatException bad) {
                        throw error("bad \\u escape");
                    }
                    i += 4;
                }
                case '"', '\\', '/' -> b.append(e);
                default -> throw error("bad escape \\" + e);
            }
        }
    }

    private Object number() {
        int start = i;
        while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
        String n = s.substring(start, i);
        try {
            boolean whole = n.indexOf('.') < 0 && n.indexOf('e') < 0 && n.indexOf('E') < 0;
            if (!whole) return Double.parseDouble(n);
            return n.length() < 19 ? (Object) Long.parseLong(n) : whole(n);
        } catch (NumberFormatException e) {
            throw error("not a number: " + n);
        }
    }

    private static Object whole(String n) {
        BigInteger big = new BigInteger(n);
        return big.bitLength() < 64 ? (Object) big.longValue() : big;
    }

    private Object literal(String word, Object v) {
        if (!s.startsWith(word, i)) throw error("unexpected word");
        i += word.length();
        return v;
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private void expect(char c) {
        if (peek() != c) throw error("expected '" + c + "'");
        i++;
    }

    private void space() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
    }

    private IllegalStateException error(String what) {
        return new IllegalStateException(subject + " is not JSON (" + what + " at " + i + ")");
    }
}
