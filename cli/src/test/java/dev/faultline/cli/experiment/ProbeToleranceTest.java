package dev.faultline.cli.experiment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A probe tolerance's value argument, and the decision on its own run record: {record (YAML), passed}. */
class ProbeToleranceTest {
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "{status: succeeded, output: {status: 0, stdout: '', stderr: ''}}           | true",
            "{status: succeeded, output: {status: 1, stdout: '', stderr: 'too high'}}   | false",
            "{status: succeeded, output: {status: 255, stdout: 'true', stderr: ''}}     | false",
            "{status: failed, output: null, exception: ['IOException: did not end']}    | false",
            "{status: succeeded, output: {status: 200, headers: {}, body: 'yes'}}       | true",
            "{status: succeeded, output: {status: 302, headers: {}, body: ''}}          | true",
            "{status: succeeded, output: {status: 200, headers: {}, body: \"false\\n\"}} | false",
            "{status: succeeded, output: {status: 200, headers: {}, body: false}}       | false",
            "{status: succeeded, output: {status: 404, headers: {}, body: 'true'}}      | false",
            "{status: succeeded, output: {status: 503, headers: {}, body: ''}}          | false",
            "{status: succeeded, output: 'no record'}                                   | false"})
    void passed(String record, boolean passed) {
        assertEquals(passed, ProbeTolerance.passed((Map<?, ?>) ExperimentFile.parse(record)));
    }

    @Test
    void theProbesOutputIsTheArgumentNamedValueLast() {
        Map<?, ?> provider = (Map<?, ?>) ExperimentFile.parse("{type: process, path: check, arguments: {value: stale, --max: '0.5'}}");
        Map<Object, Object> p = ProbeTolerance.withValue(provider, Map.of("status", 200));
        assertEquals(List.of("--max", "0.5", "value", "{\"status\":200}"), ActivityRunner.words(p.get("arguments")));
        assertEquals(Map.of("value", "0.97"), ProbeTolerance.withValue(Map.of("type", "http"), "0.97").get("arguments"));
        assertEquals("stale", ((Map<?, ?>) provider.get("arguments")).get("value"), "the file's tree is not changed");
    }

    @Test
    void aGetCallsArgumentsAreItsQuery() {
        assertEquals("http://h/judge?x=1&value=%7B%22status%22%3A200%7D",
                ActivityRunner.withQuery("http://h/judge?x=1", Map.of("value", "{\"status\":200}")));
    }
}
