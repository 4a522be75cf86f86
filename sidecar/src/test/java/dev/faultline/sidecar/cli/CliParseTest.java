package dev.faultline.sidecar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.sidecar.network.NetemSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Pumba's spellings parse to the same rule: pure parsing, nothing runs. */
class CliParseTest {
    static List<String> iptablesInsert(String... args) {
        return ((NetworkEffects.IptablesLoss) ExperimentPlanTest.plan(args).effect())
                .rule()
                .insert("t");
    }

    @Test
    void iptablesLossShortAndLongFlagsBuildTheSameRule() {
        List<String> expected = List.of(
                "iptables",
                "-w",
                "5",
                "-I",
                "INPUT",
                "-p",
                "tcp",
                "-s",
                "10.0.0.0/8",
                "-d",
                "172.17.0.2",
                "--sport",
                "1234",
                "--dport",
                "8080",
                "-m",
                "statistic",
                "--mode",
                "random",
                "--probability",
                "0.2",
                "-m",
                "comment",
                "--comment",
                "faultline:t",
                "-j",
                "DROP");
        assertEquals(
                expected,
                iptablesInsert(
                        "iptables",
                        "--duration",
                        "1m",
                        "loss",
                        "--probability",
                        "0.2",
                        "--protocol",
                        "tcp",
                        "--source",
                        "10.0.0.0/8",
                        "--destination",
                        "172.17.0.2",
                        "--src-port",
                        "1234",
                        "--dst-port",
                        "8080",
                        "web-1"));
        assertEquals(
                expected,
                iptablesInsert(
                        "iptables",
                        "-d",
                        "1m",
                        "loss",
                        "--probability",
                        "0.2",
                        "-p",
                        "tcp",
                        "--src",
                        "10.0.0.0/8",
                        "--dst",
                        "172.17.0.2",
                        "--sport",
                        "1234",
                        "--dport",
                        "8080",
                        "web-1"));
    }

    @Test
    void anAtFileIsAWordNeverAFileRead() throws Exception {
        Path file = Files.createTempFile("faultline-args", ".txt");
        try {
            Files.writeString(file, "--interval 1s kill other\n");
            for (String[] words :
                    List.of(new String[] {"kill", "@" + file}, new String[] {"--dry-run", "kill", "@" + file})) {
                for (CommandLine cl : List.of(SidecarCli.commandLine(null), SidecarCli.commandLine(null, words))) {
                    CommandLine.ParseResult r = cl.parseArgs(words);
                    assertEquals(
                            List.of("@" + file),
                            r.subcommand().matchedPositionals().get(0).stringValues(),
                            "read as one word");
                }
            }
            // the reduced model refuses it as a word, with no InitializationException escaping: a missing @file
            String[] missing = {"--dry-run", "kill", "@/no/such/file\u0000"};
            assertEquals(
                    "@/no/such/file\u0000",
                    SidecarCli.commandLine(null, missing)
                            .parseArgs(missing)
                            .subcommand()
                            .matchedPositionals()
                            .get(0)
                            .stringValues()
                            .get(0));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void everyNthWithAPortImpliesTcp() {
        assertEquals(
                List.of(
                        "iptables",
                        "-w",
                        "5",
                        "-I",
                        "INPUT",
                        "-p",
                        "tcp",
                        "--dport",
                        "80",
                        "-m",
                        "statistic",
                        "--mode",
                        "nth",
                        "--every",
                        "3",
                        "--packet",
                        "0",
                        "-m",
                        "comment",
                        "--comment",
                        "faultline:t",
                        "-j",
                        "DROP"),
                iptablesInsert("iptables", "--duration", "30s", "loss", "--every", "3", "--dport", "80", "web-1"));
    }

    @Test
    void badRepeatAndPercentagesAreRefusedNamingTheOption() {
        assertRefused("--interval must be at least 100ms", "--interval", "0ms", "kill", "web-1");
        assertRefused("--limit must not be negative", "--interval", "1s", "--limit", "-1", "kill", "web-1");
        assertRefused("--percent", "netem", "--duration", "1m", "loss", "web-1");
        assertRefused("--percent", "netem", "--duration", "1m", "duplicate", "web-1");
    }

    static List<String> netemQdisc(String... args) {
        return ((NetworkEffects.Netem) ExperimentPlanTest.plan(args).effect())
                .qdisc()
                .args();
    }

    @Test
    void duplicateAndCorruptTakeACorrelationAsLossDoes() {
        // tc drops a duplicate correlation unless another correlation is parsed: a zero corrupt (or loss) one carries
        // it
        assertEquals(
                List.of("netem", "duplicate", "20%", "50%", "corrupt", "0%", "0%"),
                netemQdisc(
                        "netem", "--duration", "1m", "duplicate", "--percent", "20", "--correlation", "50", "web-1"));
        assertEquals(
                List.of("netem", "loss", "5%", "0%", "duplicate", "20%", "50%"),
                netemQdisc("netem", "-d", "1m", "duplicate", "-p", "20", "-c", "50", "--loss", "5", "web-1"));
        assertEquals(
                List.of(
                        "delay",
                        "100ms",
                        "0ms",
                        "10%",
                        "duplicate",
                        "20%",
                        "50%"), // a delay correlation carries it already
                NetemSpec.delay(Duration.ofMillis(100), null, 10.0, null)
                        .and(NetemSpec.duplicate(20, 50.0))
                        .args());
        assertEquals(
                List.of("netem", "corrupt", "5%", "25%"),
                netemQdisc("netem", "-d", "1m", "corrupt", "-p", "5", "-c", "25", "web-1"));
        assertEquals(
                List.of("netem", "loss", "30%", "50%"),
                netemQdisc("netem", "-d", "1m", "loss", "-p", "30", "-c", "50", "web-1"));
        assertEquals(
                List.of("netem", "duplicate", "1.5%"),
                netemQdisc("netem", "-d", "1m", "duplicate", "-p", "1.5", "web-1"));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> netemQdisc("netem", "-d", "1m", "corrupt", "-p", "5", "-c", "150", "web-1"));
        assertTrue(e.getMessage().contains("--correlation 150"), e.getMessage());
    }

    static void assertRefused(String named, String... args) {
        CommandLine.ParameterException e = assertThrows(
                CommandLine.ParameterException.class,
                () -> SidecarCli.commandLine(null).parseArgs(args));
        assertTrue(e.getMessage().contains(named), e.getMessage());
    }
}
