package dev.faultline.cli.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A process's arguments as chaostoolkit-lib makes them ({@code chaoslib/provider/process.py}, run_process_activity,
 * at 72f814b):
 * <pre>
 *     path = shutil.which(os.path.expanduser(provider["path"]))
 *     if isinstance(arguments, str):
 *         shell = True
 *         arguments = f"{path} {arguments}"
 *     else:
 *         if isinstance(arguments, dict):
 *             arguments = itertools.chain.from_iterable(arguments.items())
 *         arguments = [str(p) for p in arguments if p not in (None, "")]
 *         arguments.insert(0, path)
 *     proc = subprocess.run(arguments, timeout=timeout, capture_output=True, check=False, env=os.environ, shell=shell)
 * </pre>
 * Every row runs for real: the process is a script that prints each word it got, so a string goes through the real
 * {@code /bin/sh}; the in-process {@code faultline} provider must split the same string into the same words.
 */
class ProcessArgumentsTest {
    @TempDir
    static Path dir;

    static Path printWords;

    @BeforeAll
    static void script() throws IOException {
        printWords = dir.resolve("print-words");
        Files.writeString(printWords, "#!/bin/sh\nfor a in \"$@\"; do printf '<%s>\\n' \"$a\"; done\n");
        Files.setPosixFilePermissions(printWords, PosixFilePermissions.fromString("rwx------"));
    }

    static Stream<Arguments> strings() {
        return Stream.of(
                Arguments.of("a b c", List.of("a", "b", "c")),
                Arguments.of("  spaced \t out  ", List.of("spaced", "out")),
                Arguments.of("\"a b\" c", List.of("a b", "c")),
                Arguments.of("'a b' c", List.of("a b", "c")),
                Arguments.of(
                        "error on=connect message=\"card network down\"",
                        List.of("error", "on=connect", "message=card network down")),
                Arguments.of(
                        "--label 'tier=blue green' --jmx 127.0.0.1:9010",
                        List.of("--label", "tier=blue green", "--jmx", "127.0.0.1:9010")),
                Arguments.of("a\\ b", List.of("a b")),
                Arguments.of("\"say \\\"hi\\\"\"", List.of("say \"hi\"")),
                Arguments.of("'it'\\''s'", List.of("it's")),
                Arguments.of("\"back\\\\slash\" \"keep\\n\" 'raw\\\\'", List.of("back\\slash", "keep\\n", "raw\\\\")),
                Arguments.of("'' x \"\"", List.of("", "x", "")),
                Arguments.of("a\"\"b 'c'\"d\"e", List.of("ab", "cde")),
                Arguments.of(
                        "'$HOME' \"\\$HOME\" \\$HOME '*.log' \"a|b\" 'x;y' \"~\"",
                        List.of("$HOME", "$HOME", "$HOME", "*.log", "a|b", "x;y", "~")),
                Arguments.of("a#b c=~ d}", List.of("a#b", "c=~", "d}")),
                Arguments.of("halt-all --jmx 127.0.0.1:9010\n", List.of("halt-all", "--jmx", "127.0.0.1:9010")),
                Arguments.of("", List.of()));
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @MethodSource("strings")
    void aStringIsTheShells(String arguments, List<String> words) throws Exception {
        assertEquals(words, printed(arguments), "what /bin/sh gave the process");
        assertEquals(words, FaultlineProvider.words(arguments), "what the in-process faultline provider reads");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "['a b', '', null, 1, 2.5, true, false, \"'q'\", 1.0e-5, 1.0e+16, 100.0] | <a b>,<1>,<2.5>,<True>,<False>,<'q'>,<1e-05>,<1e+16>,<100.0>",
                "{--limit: '0.5', -v: '', --none: null, --n: 3, --flag: true, '': x}     | <--limit>,<0.5>,<-v>,<--none>,<--n>,<3>,<--flag>,<True>,<x>",
                "[]                                                                       | ''"
            })
    void aListOrAnObjectIsItsWords(String yaml, String expected) throws Exception {
        List<String> words = expected.isEmpty()
                ? List.of()
                : Stream.of(expected.split(","))
                        .map(w -> w.substring(1, w.length() - 1))
                        .toList();
        Object arguments = ExperimentFile.parse(yaml);
        assertEquals(words, ProcessProvider.words(arguments));
        assertEquals(words, printed(arguments), "what the process got");
        assertEquals(words, FaultlineProvider.words(arguments));
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("a | b", "| at character 3 of the arguments: a shell would read it as an operator"),
                Arguments.of("a;b", ";"),
                Arguments.of("a > out", ">"),
                Arguments.of("$HOME", "$ at character 1 of the arguments: a shell would expand it"),
                Arguments.of("\"$(id)\"", "$"),
                Arguments.of("\"`id`\"", "`"),
                Arguments.of("*.log", "* at character 1 of the arguments: a shell would expand it"),
                Arguments.of("a{b,c}", "{"),
                Arguments.of(
                        "~/x", "~ at character 1 of the arguments: a shell would replace it with a home directory"),
                Arguments.of(
                        "a #b",
                        "# at character 3 of the arguments: a shell would take the rest of the line as a comment"),
                Arguments.of("agent list\nrm -rf x", "a newline at character 11"),
                Arguments.of("'open", "unterminated ' (opened at character 1)"),
                Arguments.of("\"open", "unterminated \" (opened at character 1)"),
                Arguments.of("x\\", "\\ at the end"));
    }

    @ParameterizedTest(name = "[{0}]: {1}")
    @MethodSource("refused")
    void whatOnlyAShellGivesMeaningIsRefusedInProcess(String arguments, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShellWords.split(arguments));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @Test
    void aConfigurationPlaceholderIsAWordUntilItIsReplaced() {
        assertEquals(List.of("--jmx", "${host}:9010", "${x.y-z}"), ShellWords.split("--jmx ${host}:9010 \"${x.y-z}\""));
    }

    @Test
    void thePathIsLookedUpAsShutilWhichOfExpandUser() throws IOException {
        String home = System.getenv("HOME") != null ? System.getenv("HOME") : System.getProperty("user.home");
        assertEquals(home + "/bin/x", ProcessProvider.expandUser("~/bin/x"));
        assertEquals("~user/x", ProcessProvider.expandUser("~user/x"));
        assertTrue(Path.of(ProcessProvider.which("sh")).isAbsolute());
        assertEquals("/bin/sh", ProcessProvider.which("/bin/sh"));
        assertEquals(null, ProcessProvider.which("./no-such-program-here"));
        assertEquals(null, ProcessProvider.which("no-such-program-here"));
        ProcessProvider p = new ProcessProvider(Map.of("type", "process", "path", "sh", "arguments", "-c 'exit 3'"));
        assertEquals(List.of("/bin/sh", "-c", ProcessProvider.which("sh") + " -c 'exit 3'"), p.command());
        ProcessProvider missing =
                new ProcessProvider(Map.of("type", "process", "path", "no-such-program", "arguments", "-v"));
        IOException e = assertThrows(IOException.class, missing::command);
        assertEquals("Cannot run program \"no-such-program\": not an executable file found on PATH", e.getMessage());
    }

    @Test
    void aFloatIsSpelledAsPythonsStr() {
        assertEquals("10000000.0", ProcessProvider.pythonFloat(1.0e7));
        assertEquals("0.0001", ProcessProvider.pythonFloat(0.0001));
        assertEquals("1.2345678901234568e+17", ProcessProvider.pythonFloat(123456789012345680.0));
        assertEquals("-2.5e-07", ProcessProvider.pythonFloat(-2.5e-7));
        assertEquals("inf", ProcessProvider.pythonFloat(Double.POSITIVE_INFINITY));
    }

    /** A process that outlives its timeout is killed with everything it started, and the error names the timeout. */
    @Test
    void atItsDeadlineTheWholeTreeIsKilled() throws Exception {
        Path pid = dir.resolve("child.pid");
        String script = "sleep 60 & echo $! > " + pid + "; wait";
        Map<String, Object> spec = Map.of("type", "process", "path", "sh", "arguments", List.of("-c", script));
        ProcessProvider p = new ProcessProvider(spec);
        long started = System.nanoTime();
        IOException e = assertThrows(IOException.class, () -> p.run(null, Duration.ofMillis(700)));
        assertEquals("sh did not end within 700 ms (killed)", e.getMessage());
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(10).toNanos());
        Optional<ProcessHandle> child =
                ProcessHandle.of(Long.parseLong(Files.readString(pid).strip()));
        try {
            for (int i = 0; i < 50 && child.map(ProcessHandle::isAlive).orElse(false); i++) Thread.sleep(100);
            assertFalse(child.map(ProcessHandle::isAlive).orElse(false), "the shell's child sleep 60 was killed too");
        } finally {
            child.ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static List<String> printed(Object arguments) throws Exception {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("type", "process");
        spec.put("path", printWords.toString());
        spec.put("arguments", arguments);
        Map<?, ?> out = (Map<?, ?>) new ProcessProvider(spec).run(null, Duration.ofSeconds(10));
        assertEquals(0, out.get("status"), String.valueOf(out.get("stderr")));
        return ((String) out.get("stdout"))
                .lines()
                .map(l -> l.substring(1, l.length() - 1))
                .toList();
    }
}
