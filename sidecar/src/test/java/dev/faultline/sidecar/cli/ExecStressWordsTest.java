package dev.faultline.sidecar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Pumba's exec and stress words as argv: pure parsing. */
class ExecStressWordsTest {
    @Test
    void execSplitsTheCommandOnlyWithoutArgs() {
        assertEquals(List.of("kill", "-STOP", "1"), ExecCommand.argv(" kill  -STOP 1 ", null));
        assertEquals(List.of("ls", "-la", "/etc"), ExecCommand.argv("ls", List.of("-la", "/etc")));
        assertEquals(List.of("my tool", "x"), ExecCommand.argv("my tool", List.of("x")));
        assertThrows(IllegalArgumentException.class, () -> ExecCommand.argv("  ", null));
    }

    @Test
    void execArgsTakeWordsThatLookLikeOptions() {
        // Pumba's exec --args -la: -la is the command's option, not the sidecar's -l and -a
        String[] words = {"exec", "--command", "ls", "--args", "-la", "-a", "--limit", "--args=/etc", "-l", "1", "t"};
        CommandLine.ParseResult r = SidecarCli.commandLine(null, words).parseArgs(words);
        ExecCommand exec = (ExecCommand) r.subcommand().commandSpec().userObject();
        assertEquals(List.of("-la", "--limit", "/etc"), exec.args);
        assertEquals(1, exec.limit);
        CommandLine.ParameterException e = assertThrows(
                CommandLine.ParameterException.class,
                () -> SidecarCli.commandLine(null).parseArgs("exec", "--args"));
        assertTrue(e.getMessage().contains("exec --args needs a value"), e.getMessage());
    }

    @Test
    void stressNgTimesOutAtTheDurationOrItsOwnShorterTimeout() {
        assertEquals(
                List.of("/usr/bin/stress-ng", "--cpu", "4", "--timeout", "20s"),
                StressCommand.stressNgArgv("/usr/bin/stress-ng", "--cpu 4 --timeout 60s", Duration.ofSeconds(20)));
        assertEquals(
                List.of("s", "--vm", "1", "--timeout", "5s"),
                StressCommand.stressNgArgv("s", "--vm 1 -t 5", Duration.ofSeconds(20)));
        assertEquals(
                List.of("s", "--cpu", "1", "--timeout", "2s"),
                StressCommand.stressNgArgv("s", "--timeout=1m --cpu 1", Duration.ofMillis(1500)));
        assertThrows(
                IllegalArgumentException.class,
                () -> StressCommand.stressNgArgv("s", "--timeout 10s", Duration.ofSeconds(20)));
        assertThrows(
                IllegalArgumentException.class,
                () -> StressCommand.stressNgArgv("s", "--cpu 1 --timeout soon", Duration.ofSeconds(20)));
    }

    @Test
    void stressNgWordsThatNameAPathOrWriteFilesAreRefused() {
        assertEquals(
                List.of("s", "--cpu", "1", "--vm", "1", "--vm-bytes", "8m", "--cpu-method", "loop", "--timeout", "3s"),
                StressCommand.stressNgArgv(
                        "s", "--cpu 1 --vm 1 --vm-bytes 8m --cpu-method loop", Duration.ofSeconds(3)));
        for (String bad : List.of(
                "--cpu 1 --log-file /etc/passwd",
                "--hdd 1",
                "--cpu 1 --temp-path /",
                "--job /tmp/x",
                "--cpu 1 --sched fifo",
                "--cpu /etc",
                "--cpu=1 --metrics-brief=yes",
                "--cpu")) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> StressCommand.stressNgArgv("s", bad, Duration.ofSeconds(3)),
                    bad);
            assertTrue(e.getMessage().startsWith("--stressors: "), e.getMessage());
        }
    }
}
