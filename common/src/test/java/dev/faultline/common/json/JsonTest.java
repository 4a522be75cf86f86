package dev.faultline.common.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one JSON reader and writer: what they read and write, and what they refuse. */
class JsonTest {
    @Test
    void readsEveryKindOfValue() {
        Object v = JsonReader.parse(
                " {\"s\":\"w\\u00e9b \\\"q\\\" \\\\ \\/ \\n\\t\\r\\b\\f\",\"n\":-42,\"d\":-1.5e3,\"e\":2E2,"
                        + "\"t\":true,\"f\":false,\"z\":null,\"a\":[1,[],{}],\"o\":{\"k\":\"v\"}} ");
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("s", "wéb \"q\" \\ / \n\t\r\b\f");
        expected.put("n", -42L);
        expected.put("d", -1500.0);
        expected.put("e", 200.0);
        expected.put("t", true);
        expected.put("f", false);
        expected.put("z", null);
        expected.put("a", List.of(1L, List.of(), Map.of()));
        expected.put("o", Map.of("k", "v"));
        assertEquals(expected, v);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(((Map<?, ?>) v).keySet()), "document order");
    }

    @Test
    void refusesWhatIsNotJsonNamingTheSubjectAndThePlace() {
        for (String bad : List.of(
                "[{\"Id\":\"x\"}",
                "{} x",
                "",
                "{\"a\" 1}",
                "[1,]",
                "\"open",
                "tru",
                "{a:1}",
                "\"\\x\"",
                "\"\\u12\"",
                "--1")) {
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> JsonReader.parse(bad, "the engine's answer"), bad);
            assertTrue(e.getMessage().startsWith("the engine's answer is not JSON ("), e.getMessage());
            assertTrue(e.getMessage().matches(".* at \\d+\\)"), e.getMessage());
        }
        assertEquals(
                "the text is not JSON (trailing characters at 3)",
                assertThrows(IllegalStateException.class, () -> JsonReader.parse("{} x"))
                        .getMessage());
    }

    @Test
    void writesMapsListsArraysAndScalars() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", List.of(1, 2.5, true));
        m.put("a", null);
        m.put("arr", new Object[] {"x", Map.of()});
        m.put("other", new StringBuilder("sb"));
        assertEquals("{\"b\":[1,2.5,true],\"a\":null,\"arr\":[\"x\",{}],\"other\":\"sb\"}", JsonWriter.write(m));
    }

    @Test
    void escapesAsTheCliAlwaysDid() {
        assertEquals("\"q\\\" b\\\\ n\\n r\\r t\\t u\\u0001\"", JsonWriter.quote("q\" b\\ n\n r\r t\t u\u0001"));
        assertEquals(JsonWriter.quote("x"), JsonWriter.write("x"));
    }

    @Test
    void whatIsWrittenReadsBackAsGiven() {
        for (String text : List.of(
                "",
                "plain",
                "a\"b",
                "back\\slash",
                "line\nbreak",
                "tab\tand\u0001\u001f",
                "exec 3<&0 </dev/null; [ \"$#\" -le 1 ]",
                "wéb",
                "\u2028")) {
            assertEquals(text, JsonReader.parse(JsonWriter.quote(text)), "round trip of " + text);
        }
        Object doc = JsonReader.parse("{\"l\":[1,-2,3.25],\"m\":{\"k\":[null,false]}}");
        assertEquals(doc, JsonReader.parse(JsonWriter.write(doc)));
        assertEquals("[1,-2,3.25]", JsonWriter.write(JsonReader.parse("[1, -2, 3.25]")));
        assertEquals(Arrays.asList(1L, null), JsonReader.parse("[1,null]"));
    }

    @Test
    void readsWholeNumbersBeyondLongAsBigInteger() {
        // CRI-O's info carries OCI rlimits of 2^64-1 for "unlimited"
        Object v = JsonReader.parse("{\"hard\":18446744073709551615,\"soft\":-9223372036854775809,"
                + "\"max\":9223372036854775807,\"min\":-9223372036854775808,\"d\":1e400}");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(new BigInteger("18446744073709551615"), m.get("hard"));
        assertEquals(new BigInteger("-9223372036854775809"), m.get("soft"));
        assertEquals(Long.MAX_VALUE, m.get("max"));
        assertEquals(Long.MIN_VALUE, m.get("min"));
        assertEquals(Double.POSITIVE_INFINITY, m.get("d"));
        assertEquals("[18446744073709551615,12]", JsonWriter.write(JsonReader.parse("[18446744073709551615, 12]")));
        assertEquals(
                "the text is not JSON (not a number: 1-2 at 3)",
                assertThrows(IllegalStateException.class, () -> JsonReader.parse("1-2"))
                        .getMessage());
    }

    @Test
    void refusesNestingDeeperThanTheLimitWithItsOwnError() {
        int limit = JsonReader.MAX_DEPTH;
        String deepest = "[".repeat(limit) + "]".repeat(limit);
        assertTrue(JsonReader.parse(deepest) instanceof List<?>);
        String mixed = "{\"a\":[".repeat(limit / 2) + "1" + "]}".repeat(limit / 2);
        assertTrue(JsonReader.parse(mixed) instanceof Map<?, ?>);
        IllegalStateException e = assertThrows(
                IllegalStateException.class, () -> JsonReader.parse("[".repeat(limit + 1) + "]".repeat(limit + 1)));
        assertEquals("the text is not JSON (nested deeper than 512 at " + limit + ")", e.getMessage());
        // far past any stack: still the reader's error, not a StackOverflowError
        assertThrows(IllegalStateException.class, () -> JsonReader.parse("[".repeat(1_000_000)));
        assertThrows(IllegalStateException.class, () -> JsonReader.parse("{\"a\":".repeat(1_000_000)));
    }

    @Test
    void writesNonFiniteNumbersAsNull() {
        assertEquals(
                "[null,null,null,null,1.5]",
                JsonWriter.write(
                        List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Float.NaN, 1.5)));
        assertEquals(Arrays.asList(null, 1.5), JsonReader.parse(JsonWriter.write(List.of(Double.NaN, 1.5))));
    }
}
