package dev.faultline.cli.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Tolerances against outputs, as a table: {tolerance (YAML), provider type, output (YAML), met}. */
class ToleranceCheckTest {
    @ParameterizedTest(name = "{0} on {1} {2}: {3}")
    @CsvSource(
            delimiter = '|',
            value = {
                "200                                          | http    | {status: 200, body: ok}                         | true",
                "200                                          | http    | {status: 503, body: ok}                         | false",
                "0                                            | process | {status: 0, stdout: '', stderr: ''}             | true",
                "true                                         | http    | true                                            | true",
                "'ok'                                         | http    | {status: 200, body: \"ok\\n\"}                 | true",
                "'UP'                                         | process | {status: 0, stdout: \"UP\\n\", stderr: ''}     | true",
                "[200, 204]                                   | http    | {status: 204}                                   | true",
                "[200, 204]                                   | http    | {status: 500}                                   | false",
                "{type: range, range: [0, 0.05]}              | python  | {status: success, data: {resultType: vector, result: [{metric: {}, value: [1, '0.01']}]}} | true",
                "{type: range, range: [0, 0.05]}              | python  | {status: success, data: {resultType: vector, result: [{metric: {}, value: [1, '0.5']}]}}  | false",
                "{type: range, range: [1, 3], target: status} | http    | {status: 2}                                     | true",
                "{type: regex, pattern: '^UP'}                | http    | {status: 200, body: UP and running}             | true",
                "{type: regex, pattern: '^UP', target: stderr}| process | {status: 0, stdout: UP, stderr: DOWN}           | false",
                "{type: jsonpath, path: '$.status', expect: UP} | http    | {status: 200, body: '{\"status\": \"UP\"}'}    | true",
                "{type: jsonpath, path: '$.status', expect: UP} | http    | {status: 200, body: '{\"status\": \"DOWN\"}'}  | false",
                "{type: jsonpath, path: '$.checks[*]'}        | http    | {status: 200, body: '{\"checks\": []}'}         | false"
            })
    void met(String tolerance, String type, String output, boolean met) {
        Provider provider =
                Provider.of(ExperimentFile.parse("{type: " + type + ", module: chaosprometheus.probes, func: query}"));
        assertEquals(met, ToleranceCheck.met(ExperimentFile.parse(tolerance), provider, ExperimentFile.parse(output)));
    }
}
