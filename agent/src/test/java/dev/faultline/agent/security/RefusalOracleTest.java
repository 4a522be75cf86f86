package dev.faultline.agent.security;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.faultline.agent.spec.SpecParser;
import dev.faultline.common.words.Printable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fuzz's oracle ({@link FuzzDriver#refusalProblem}) against the parser's real refusals of the specs that sit
 * between its checks: an oracle that disagrees with the parser's order fails a million-spec run by chance
 * (CI found {@code "\n\""}: refused for its U+000A, not as quotes only).
 */
class RefusalOracleTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "\n\"",
                "\"",
                "\"\"",
                " \n ",
                "\t",
                "latency\u0000",
                "\"\u0007\"",
                "latency on=connect on=dns",
                "x=\"",
                "latency delay=\"3s"
            })
    void everyRefusalBetweenTheParsersChecksNamesWhatWasWritten(String spec) {
        IllegalArgumentException refusal = assertThrows(IllegalArgumentException.class, () -> SpecParser.parse(spec));
        assertNull(
                FuzzDriver.refusalProblem(spec, refusal),
                () -> "spec " + Printable.message(spec) + " refused with: " + refusal.getMessage());
    }
}
