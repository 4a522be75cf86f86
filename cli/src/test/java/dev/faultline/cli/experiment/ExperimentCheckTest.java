package dev.faultline.cli.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.cli.command.FaultlineCli;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code experiment validate} as a table: a file (YAML here; JSON is the same tree) and the one refusal it must get. */
class ExperimentCheckTest {
    static final Map<String, String> ENV = Map.of("BASE_URL", "http://127.0.0.1:8080");

    static final String VALID = """
            {
              "title": "five replicas survive random kills",
              "description": "the gateway keeps answering",
              "tags": ["replicas"],
              "configuration": {"base_url": {"type": "env", "key": "BASE_URL"}, "port": 8080},
              "secrets": {"jmx": {"password": {"type": "env", "key": "NOT_SET", "default": "x"}}},
              "steady-state-hypothesis": {
                "title": "the gateway answers",
                "probes": [
                  {"type": "probe", "name": "status", "tolerance": 200,
                   "provider": {"type": "http", "url": "http://127.0.0.1:8080/health", "timeout": [1, 2]}},
                  {"type": "probe", "name": "ratio", "tolerance": {"type": "range", "range": [0, 0.05]},
                   "provider": {"type": "python", "module": "chaosprometheus.probes", "func": "query",
                                "arguments": {"query": "sum(rate(faultline_injections_total[15s]))"}}},
                  {"type": "probe", "name": "body", "tolerance": {"type": "jsonpath", "path": "$.checks[0].status", "expect": "UP", "target": "body"},
                   "provider": {"type": "http", "url": "${base_url}/health"}},
                  {"type": "probe", "name": "version", "tolerance": {"type": "regex", "pattern": "^1\\\\.", "target": "stdout"},
                   "provider": {"type": "process", "path": "cat", "arguments": ["/etc/hostname"]}},
                  {"type": "probe", "name": "listed", "tolerance": [0, 1],
                   "provider": {"type": "process", "path": "true"}},
                  {"type": "probe", "name": "judged", "provider": {"type": "process", "path": "true"},
                   "tolerance": {"type": "probe", "name": "under-half", "provider": {"type": "process", "path": "/usr/local/bin/under", "arguments": {"--limit": "0.5"}}}}
                ]
              },
              "method": [
                {"type": "action", "name": "slow-db", "pauses": {"before": 0, "after": 2.5}, "background": false, "timeout": 10,
                 "provider": {"type": "process", "path": "faultline",
                              "arguments": ["agent", "add", "--jmx", "127.0.0.1:9010", "latency", "on=connect", "port=5432", "delay=300ms"]}},
                {"ref": "status"}
              ],
              "rollbacks": [
                {"type": "action", "name": "halt", "provider": {"type": "process", "path": "faultline",
                 "arguments": "halt-all --jmx 127.0.0.1:9010 --sidecar-jmx 127.0.0.1:9011"}}
              ]
            }
            """;

    static List<Refusal> check(String text) {
        return ExperimentCheck.check(ExperimentFile.parse(text), ENV::get, FaultlineCli::refusalOfArguments);
    }

    @Test
    void theReferenceExperimentIsValid() {
        assertEquals(List.of(), check(VALID));
    }

    @Test
    void yamlIsTheSameTree() {
        assertEquals(List.of(), check("""
                title: t
                description: d
                steady-state-hypothesis:
                  title: up
                  probes:
                    - type: probe
                      name: up
                      tolerance: true
                      provider: {type: process, path: "true"}
                method: []
                """));
    }

    /** {what to change in VALID (a literal replace), the path refused, a word of the message} */
    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of(
                        "\"type\": \"process\", \"path\": \"faultline\",\n",
                        "\"type\": \"pyhton\", \"path\": \"faultline\",\n",
                        "method[0].provider.type",
                        "unknown provider type \"pyhton\""),
                Arguments.of("\"title\": \"five replicas survive random kills\",", "", "title", "missing"),
                Arguments.of(
                        "\"description\": \"the gateway keeps answering\",",
                        "\"description\": \"\",",
                        "description",
                        "non-empty"),
                Arguments.of(
                        "{\"type\": \"probe\", \"name\": \"status\", \"tolerance\": 200,",
                        "{\"type\": \"probe\", \"name\": \"status\",",
                        "steady-state-hypothesis.probes[0].tolerance",
                        "needs a tolerance"),
                Arguments.of(
                        "\"range\": [0, 0.05]",
                        "\"range\": [1, 0.05]",
                        "steady-state-hypothesis.probes[1].tolerance.range",
                        "above upper bound"),
                Arguments.of(
                        "\"range\": [0, 0.05]",
                        "\"range\": \"0-5\"",
                        "steady-state-hypothesis.probes[1].tolerance.range",
                        "two numbers"),
                Arguments.of(
                        "{\"type\": \"range\",",
                        "{\"type\": \"between\",",
                        "steady-state-hypothesis.probes[1].tolerance.type",
                        "unknown tolerance type"),
                Arguments.of(
                        "\"pattern\": \"^1\\\\.\"",
                        "\"pattern\": \"([\"",
                        "steady-state-hypothesis.probes[3].tolerance.pattern",
                        "not a regular expression"),
                Arguments.of(
                        "\"path\": \"$.checks[0].status\"",
                        "\"path\": \"checks.status\"",
                        "steady-state-hypothesis.probes[2].tolerance.path",
                        "starting with $"),
                Arguments.of(
                        "\"path\": \"$.checks[0].status\"",
                        "\"path\": \"$..status\"",
                        "steady-state-hypothesis.probes[2].tolerance.path",
                        "deep scan"),
                Arguments.of(
                        "\"after\": 2.5", "\"after\": \"2.5 sec\"", "method[0].pauses.after", "a number of seconds"),
                Arguments.of("\"before\": 0", "\"before\": -1", "method[0].pauses.before", "negative"),
                Arguments.of("\"before\": 0", "\"during\": 1", "method[0].pauses.during", "unknown pause"),
                Arguments.of("\"timeout\": 10,", "\"timeout\": \"10s\",", "method[0].timeout", "a number of seconds"),
                Arguments.of(
                        "\"timeout\": [1, 2]",
                        "\"timeout\": [1]",
                        "steady-state-hypothesis.probes[0].provider.timeout",
                        "[connect, read]"),
                Arguments.of(
                        "\"url\": \"http://127.0.0.1:8080/health\", \"timeout\"",
                        "\"url\": \"ftp://x/health\", \"timeout\"",
                        "steady-state-hypothesis.probes[0].provider.url",
                        "http:// or https://"),
                Arguments.of(
                        "{\"ref\": \"status\"}",
                        "{\"ref\": \"no-such\"}",
                        "method[1].ref",
                        "no activity named \"no-such\""),
                Arguments.of(
                        "{\"type\": \"action\", \"name\": \"slow-db\",",
                        "{\"type\": \"attack\", \"name\": \"slow-db\",",
                        "method[0].type",
                        "unknown activity type"),
                Arguments.of(
                        "{\"type\": \"action\", \"name\": \"slow-db\",",
                        "{\"type\": \"action\",",
                        "method[0].name",
                        "missing"),
                Arguments.of(
                        "{\"type\": \"probe\", \"name\": \"listed\"",
                        "{\"type\": \"action\", \"name\": \"listed\"",
                        "steady-state-hypothesis.probes[4].type",
                        "probes only"),
                Arguments.of(
                        "\"key\": \"BASE_URL\"",
                        "\"key\": \"UNSET_VAR\"",
                        "configuration.base_url",
                        "UNSET_VAR is not set"),
                Arguments.of(
                        "{\"type\": \"env\", \"key\": \"NOT_SET\", \"default\": \"x\"}",
                        "{\"type\": \"vault\", \"path\": \"x\"}",
                        "secrets.jmx.password.type",
                        "unknown value type"),
                Arguments.of(
                        "\"func\": \"query\",",
                        "\"func\": \"query\", \"x\": 1,",
                        null,
                        null), // extra provider keys are allowed
                Arguments.of(
                        "\"arguments\": {\"query\": \"sum(rate(faultline_injections_total[15s]))\"}",
                        "\"arguments\": {}",
                        "steady-state-hypothesis.probes[1].provider.arguments.query",
                        "PromQL"),
                Arguments.of(
                        "\"path\": \"cat\",",
                        "\"path\": \"\",",
                        "steady-state-hypothesis.probes[3].provider.path",
                        "non-empty"),
                Arguments.of(
                        "\"agent\", \"add\", \"--jmx\"",
                        "\"agent\", \"arm\", \"--jmx\"",
                        "method[0].provider.arguments",
                        "arm"),
                Arguments.of(
                        "\"agent\", \"add\", \"--jmx\"",
                        "\"experiment\", \"run\", \"--jmx\"",
                        "method[0].provider.arguments",
                        "not a command an experiment runs"),
                Arguments.of(
                        "\"--jmx\", \"127.0.0.1:9010\", \"latency\"",
                        "\"--jmx\", \"127.0.0.1:9010\", \"--bogus\", \"latency\"",
                        "method[0].provider.arguments",
                        "--bogus"),
                Arguments.of(
                        "\"rollbacks\": [", "\"rollbacks\": \"none\", \"x\": [", "rollbacks", "a list of activities"),
                Arguments.of(
                        ", \"provider\": {\"type\": \"process\", \"path\": \"/usr/local/bin/under\", \"arguments\": {\"--limit\": \"0.5\"}}",
                        "",
                        "steady-state-hypothesis.probes[5].tolerance.provider",
                        "missing"),
                Arguments.of(
                        "\"arguments\": {\"--limit\": \"0.5\"}",
                        "\"arguments\": [\"--limit\", \"0.5\"]",
                        "steady-state-hypothesis.probes[5].tolerance.provider.arguments",
                        "as the argument \"value\""),
                Arguments.of(
                        "\"name\": \"under-half\",",
                        "\"ref\": \"status\",",
                        "steady-state-hypothesis.probes[5].tolerance.ref",
                        "written out in full"),
                Arguments.of("\"tags\": [\"replicas\"]", "\"tags\": [1]", "tags[0]", "a string"),
                // a faultline string is split as /bin/sh splits it under chaos run; what only a shell means is refused
                Arguments.of("\"halt-all --jmx 127.0.0.1:9010", "\"halt-all --jmx '127.0.0.1:9010'", null, null),
                Arguments.of(
                        "\"halt-all --jmx 127.0.0.1:9010",
                        "\"halt-all --jmx $JMX",
                        "rollbacks[0].provider.arguments",
                        "$ at character 16 of the arguments"),
                Arguments.of(
                        "\"halt-all --jmx 127.0.0.1:9010",
                        "\"halt-all --jmx '127.0.0.1:9010",
                        "rollbacks[0].provider.arguments",
                        "unterminated '"),
                Arguments.of(
                        "\"arguments\": [\"/etc/hostname\"]",
                        "\"arguments\": [\"/etc/hostname\", null, \"\"]",
                        null,
                        null),
                Arguments.of(
                        "\"arguments\": {\"--limit\": \"0.5\"}",
                        "\"arguments\": {\"--limit\": [0.5]}",
                        "steady-state-hypothesis.probes[5].tolerance.provider.arguments.--limit",
                        "a word"));
    }

    @ParameterizedTest(name = "{2}: {3}")
    @MethodSource("refusals")
    void refusesWithThePathAndTheCause(String from, String to, String path, String word) {
        assertTrue(VALID.contains(from), "the table's edit does not apply: " + from);
        String edited = VALID.replaceFirst(Pattern.quote(from), Matcher.quoteReplacement(to));
        List<Refusal> refusals = check(edited);
        if (path == null) {
            assertEquals(List.of(), refusals);
            return;
        }
        assertEquals(1, refusals.size(), refusals.toString());
        assertEquals(path, refusals.get(0).path(), refusals.toString());
        assertTrue(refusals.get(0).message().contains(word), refusals.get(0).toString());
    }

    @Test
    void theExactMessageOfTheBrief() {
        String three = VALID.replace(
                "{\"ref\": \"status\"}",
                "{\"ref\": \"status\"},\n{\"type\": \"action\", \"name\": \"x\", \"provider\": {\"type\": \"pyhton\"}}");
        assertEquals(
                "method[2].provider.type: unknown provider type \"pyhton\" (http, process or python)",
                check(three).get(0).toString());
    }

    @Test
    void whatDoesNotParseIsNamedByLineAndColumn() {
        IllegalArgumentException e = Assertions.assertThrows(
                IllegalArgumentException.class, () -> ExperimentFile.parse("{\"title\": \"t\",\n \"method\": [}\n"));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void notAnObject() {
        assertEquals(
                "(file): an experiment is an object with title, description and method",
                check("[1, 2]").get(0).toString());
    }

    @Test
    void jsonPathSelects() {
        Object doc = ExperimentFile.parse("{\"checks\": [{\"status\": \"UP\"}, {\"status\": \"DOWN\"}], \"a b\": 1}");
        assertEquals(List.of("UP"), JsonPath.compile("$.checks[0].status").select(doc));
        assertEquals(
                List.of("UP", "DOWN"), JsonPath.compile("$.checks[*].status").select(doc));
        assertEquals(List.of(1), JsonPath.compile("$['a b']").select(doc));
        assertEquals(List.of(), JsonPath.compile("$.nothing").select(doc));
    }
}
