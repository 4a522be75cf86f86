package dev.faultline.cli.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A probe tolerance's value argument, and the decision on its own run record: {provider type, record (YAML), passed}. */
class ProbeToleranceTest {
    @ParameterizedTest(name = "{0} {1}: {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "process | {status: succeeded, output: {status: 0, stdout: '', stderr: ''}}           | true",
                "process | {status: succeeded, output: {status: 1, stdout: '', stderr: 'too high'}}   | false",
                "process | {status: succeeded, output: {status: 255, stdout: 'true', stderr: ''}}     | false",
                "process | {status: failed, output: null, exception: ['IOException: did not end']}    | false",
                "http    | {status: succeeded, output: {status: 200, headers: {}, body: 'yes'}}       | true",
                "http    | {status: succeeded, output: {status: 302, headers: {}, body: ''}}          | true",
                "http    | {status: succeeded, output: {status: 200, headers: {}, body: \"false\\n\"}} | false",
                "http    | {status: succeeded, output: {status: 200, headers: {}, body: false}}       | false",
                "http    | {status: succeeded, output: {status: 404, headers: {}, body: 'true'}}      | false",
                "http    | {status: succeeded, output: {status: 503, headers: {}, body: ''}}          | false",
                "http    | {status: succeeded, output: 'no record'}                                   | false"
            })
    void passed(String type, String record, boolean passed) {
        Provider provider = Provider.of(Map.of("type", type, "path", "check"));
        assertEquals(passed, ProbeTolerance.passed(provider, (Map<?, ?>) ExperimentFile.parse(record)));
    }

    @Test
    void theProbesOutputIsTheArgumentNamedValueLast() {
        Map<?, ?> provider = (Map<?, ?>)
                ExperimentFile.parse("{type: process, path: check, arguments: {value: stale, --max: '0.5'}}");
        Map<Object, Object> p = ProbeTolerance.withValue(provider, Map.of("status", 200));
        assertEquals(List.of("--max", "0.5", "value", "{\"status\":200}"), ProcessProvider.words(p.get("arguments")));
        assertEquals(
                Map.of("value", "0.97"),
                ProbeTolerance.withValue(Map.of("type", "http"), "0.97").get("arguments"));
        assertEquals("stale", ((Map<?, ?>) provider.get("arguments")).get("value"), "the file's tree is not changed");
    }

    @Test
    void aGetCallsArgumentsAreItsQuery() {
        assertEquals(
                "http://h/judge?x=1&value=%7B%22status%22%3A200%7D",
                HttpProvider.withQuery("http://h/judge?x=1", Map.of("value", "{\"status\":200}")));
    }
}
