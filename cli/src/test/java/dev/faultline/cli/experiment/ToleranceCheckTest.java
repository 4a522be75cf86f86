package dev.faultline.cli.experiment;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Tolerances against outputs, as a table: {tolerance (YAML), output (YAML), met}. */
class ToleranceCheckTest {
    @ParameterizedTest(name = "{0} on {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            "200                                          | {status: 200, body: ok}                         | true",
            "200                                          | {status: 503, body: ok}                         | false",
            "0                                            | {status: 0, stdout: '', stderr: ''}             | true",
            "true                                         | true                                            | true",
            "'ok'                                         | {status: 200, body: \"ok\\n\"}                  | true",
            "[200, 204]                                   | {status: 204}                                   | true",
            "[200, 204]                                   | {status: 500}                                   | false",
            "{type: range, range: [0, 0.05]}              | {status: success, data: {resultType: vector, result: [{metric: {}, value: [1, '0.01']}]}} | true",
            "{type: range, range: [0, 0.05]}              | {status: success, data: {resultType: vector, result: [{metric: {}, value: [1, '0.5']}]}}  | false",
            "{type: range, range: [1, 3], target: status} | {status: 2}                                     | true",
            "{type: regex, pattern: '^UP'}                | {status: 200, body: UP and running}             | true",
            "{type: regex, pattern: '^UP', target: stderr}| {status: 0, stdout: UP, stderr: DOWN}           | false",
            "{type: jsonpath, path: '$.status', expect: UP} | {status: 200, body: '{\"status\": \"UP\"}'}    | true",
            "{type: jsonpath, path: '$.status', expect: UP} | {status: 200, body: '{\"status\": \"DOWN\"}'}  | false",
            "{type: jsonpath, path: '$.checks[*]'}        | {status: 200, body: '{\"checks\": []}'}         | false"})
    void met(String tolerance, String output, boolean met) {
        assertEquals(met, ToleranceCheck.met(ExperimentFile.parse(tolerance), ExperimentFile.parse(output)));
    }
}
