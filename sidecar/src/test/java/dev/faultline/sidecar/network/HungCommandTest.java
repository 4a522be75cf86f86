package dev.faultline.sidecar.network;

import static org.junit.jupiter.api.Assertions.*;

import dev.faultline.common.process.HungPrograms;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A hung tc, nsenter or unshare is cut at the sidecar's command deadline on each path that runs one, with every
 * process it started: a JVM forked with {@link HungPrograms} first on its PATH and a deadline of 500 ms runs the
 * production code unchanged. Before the fix, pod mode's {@code NetnsCommand.run} read the output before its wait and
 * hung until the command ended.
 */
public class HungCommandTest {
    static final Duration DEADLINE = Duration.ofMillis(500);
    static final List<String> TC = List.of("tc", "qdisc", "replace", "dev", "eth0", "root", "netem", "delay", "100ms");

    /** Runs a scenario in the forked JVM: prints what it returned and how long it took. */
    public static void main(String[] args) throws Exception {
        long self = ProcessHandle.current().pid();
        Callable<Object> scenario = switch (args[0]) {
            case "pod-mode" -> () -> NetnsExecutor.nsenter(0).run(TC);
            case "nsenter-shell" ->
                () -> {
                    NetnsExecutor ns = NetnsExecutor.nsenter(self);
                    try {
                        NetnsCommand.Result cut = ns.run(TC);
                        return cut + " then " + ns.run(List.of("echo", "again"));
                    } finally {
                        ns.close();
                    }
                };
            case "preflight" -> NetemPreflight::available;
            default -> throw new IllegalArgumentException(args[0]);
        };
        long t0 = System.nanoTime();
        Object result = scenario.call();
        System.out.println("took=" + (System.nanoTime() - t0) / 1_000_000 + " result=" + result);
        System.exit(0);
    }

    /** The scenario's result, after checking it took the deadline (not less, not much more) and left nothing. */
    public static String cut(HungPrograms hung, Class<?> main, String scenario, Map<String, String> env)
            throws Exception {
        return cut(hung, List.of(), main, scenario, env);
    }

    /** The same in a JVM started by {@code launcher} (see {@link HungPrograms}). */
    public static String cut(
            HungPrograms hung, List<String> launcher, Class<?> main, String scenario, Map<String, String> env)
            throws Exception {
        List<String> deadline = List.of("-Dfaultline.sidecar.commandDeadline=" + DEADLINE.toMillis() + "ms");
        HungPrograms.Forked f = hung.java(launcher, deadline, env, main, scenario);
        assertEquals(0, f.exitCode(), f.output());
        String line = f.output()
                .lines()
                .filter(l -> l.startsWith("took="))
                .findFirst()
                .orElseThrow(() -> new AssertionError(f.output()));
        long took = Long.parseLong(line.substring(5, line.indexOf(' ')));
        assertTrue(
                took >= DEADLINE.toMillis() && took < DEADLINE.toMillis() + 4_000,
                "cut at " + took + " ms: " + f.output());
        assertFalse(hung.pids().isEmpty(), "the hung program ran: " + f.output());
        assertEquals(List.of(), hung.stillRunning(), "killed with all it started");
        return f.output();
    }

    @Test
    void podModeTcIsCutAtTheDeadline() throws Exception {
        try (HungPrograms hung = HungPrograms.named("tc")) {
            String out = cut(hung, HungCommandTest.class, "pod-mode", Map.of());
            assertTrue(
                    out.contains(
                            "result=Result[exitCode=-1, output="
                                    + "`tc qdisc replace dev eth0 root netem delay 100ms` did not finish within 500ms; killed]"),
                    out);
        }
    }

    @Test
    void aHungNsenterOfTheNetnsShellIsCutAtTheDeadline() throws Exception {
        try (HungPrograms hung = HungPrograms.named("nsenter")) {
            String out = cut(hung, HungCommandTest.class, "nsenter-shell", Map.of());
            assertTrue(
                    out.matches("(?s).*result=Result\\[exitCode=-1, output="
                            + "`tc qdisc replace dev eth0 root netem delay 100ms` did not finish within 500ms; "
                            + "killed with the netns shell of pid \\d+] then .*"),
                    out);
        }
    }

    @Test
    void aHungTcInTheNetnsShellIsCutWithTheShellAndTheNextCommandGetsANewOne() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "skipped: nsenter needs root");
        try (HungPrograms hung = HungPrograms.named("tc")) {
            String out = cut(hung, HungCommandTest.class, "nsenter-shell", Map.of());
            assertTrue(
                    out.matches("(?s).*result=Result\\[exitCode=-1, output="
                            + "`tc qdisc replace dev eth0 root netem delay 100ms` did not finish within 500ms; "
                            + "killed with the netns shell of pid \\d+] then Result\\[exitCode=0, output=again].*"),
                    out);
        }
    }

    @Test
    void aHungNetemPreflightIsCutAndLeavesTheVerdictToTheApply() throws Exception {
        try (HungPrograms hung = HungPrograms.named("unshare")) {
            String out = cut(hung, HungCommandTest.class, "preflight", Map.of());
            assertTrue(
                    out.contains("netem=unknown (the probe could not run: "
                            + "`unshare --net tc qdisc add dev lo root netem delay 1ms` did not finish within 500ms; killed); "
                            + "a netem verb will tell at its apply"),
                    out);
            assertTrue(out.contains("result=true"), out);
        }
    }

    @Test
    void theDeadlinePropertyIsADuration() {
        assertEquals(Duration.ofSeconds(30), NetnsCommand.deadline(null));
        assertEquals(Duration.ofMillis(1500), NetnsCommand.deadline("1.5s"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NetnsCommand.deadline("soon"));
        String said = e.getMessage();
        assertTrue(said.startsWith("-Dfaultline.sidecar.commandDeadline=soon: not a duration"), said);
        assertThrows(IllegalArgumentException.class, () -> NetnsCommand.deadline("0"));
    }
}
