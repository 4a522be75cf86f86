package dev.faultline.sidecar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.sidecar.Sidecar;
import dev.faultline.sidecar.network.NetemPreflight;
import dev.faultline.sidecar.runtime.docker.DockerHost;
import dev.faultline.sidecar.runtime.docker.EngineTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Pumba's words with Pumba's meaning, against the real engine (issue 25): what its bats suite runs, checked through
 * the engine's own view of the containers.
 */
class PumbaWordsIT extends EngineTest {

    String name(String n) {
        return docker.run + "-" + n;
    }

    /**
     * The seed's experiment ({@code --random --interval … kill re2:…} against one replica that is down and
     * restarting): a tick that finds nothing logs Pumba's "no containers found" and the run goes on; the next tick
     * that finds the replica running kills it, each time it is back.
     */
    @Test
    void aRepeatingKillGoesOnThroughTicksThatFindNothing() throws Exception {
        String replica = name("hello");
        Process run = sidecar.start("--random", "--interval", "500ms", "kill", "re2:^" + replica + "$");
        Output out = Output.of(run);
        try {
            await(() -> out.count("no containers found") >= 2, 20_000, "ticks before the replica exists", out);
            assertTrue(run.isAlive(), "an empty tick ends nothing:\n" + out);

            docker.start(replica, List.of(), "sleep", "600");
            await(() -> docker.inspect(replica, "{{.State.Running}}").equals("false"), 20_000, "first kill", out);
            int emptyBefore = out.count("no containers found");
            await(() -> out.count("no containers found") >= emptyBefore + 2, 20_000, "ticks while it is down", out);
            assertTrue(run.isAlive(), "the run goes on while the replica is down:\n" + out);

            DockerHost.exec(List.of("docker", "start", replica)); // back, as its restart would bring it
            await(() -> out.count("action=kill") >= 2, 20_000, "the kill of the replica once back", out);
            await(() -> docker.inspect(replica, "{{.State.Running}}").equals("false"), 20_000, "second kill", out);
            assertTrue(run.isAlive(), "still injecting:\n" + out);
            assertEquals("false 137", docker.inspect(replica, "{{.State.Running}} {{.State.ExitCode}}"));
        } finally {
            run.destroy();
            run.waitFor();
        }
        assertTrue(!out.toString().contains(" failed: "), "no tick failed:\n" + out);
    }

    /** Pumba: a selection that matches nothing is no error, it says so and exits 0. */
    @Test
    void anEmptySelectionSaysNoContainersFoundAndExitsZero() throws Exception {
        Sidecar.Run r = sidecar.run("kill", "re2:^no-such-container-" + docker.run);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("no containers found"), r.output());
    }

    /** Pumba matches a target word against the container's name or its ID; Docker's 12-digit short ID works too. */
    @Test
    void containerIdsAreTargets() throws Exception {
        String full = name("byid"), shortened = name("byshortid"), other = name("other");
        String fullId = docker.start(full, List.of(), "sleep", "600");
        String shortId = docker.start(shortened, List.of(), "sleep", "600").substring(0, 12);
        docker.start(other, List.of(), "sleep", "600");

        Sidecar.Run byFull = sidecar.run("kill", fullId);
        assertEquals(0, byFull.exitCode(), byFull.output());
        Sidecar.Run byShort = sidecar.run("stop", "--time", "1", shortId);
        assertEquals(0, byShort.exitCode(), byShort.output());
        assertEquals("false false true", running(full) + " " + running(shortened) + " " + running(other));
        assertTrue(byShort.output().contains(shortened + "(" + shortId + ")"), byShort.output());
    }

    /** Pumba's kill.bats and restart.bats: a verb's --limit 1 over two matches acts on exactly one. */
    @Test
    void aVerbsLimitActsOnAtMostThatManyOfTheMatches() throws Exception {
        String k1 = name("kill_victim_1"), k2 = name("kill_victim_2");
        docker.start(k1, List.of(), "sleep", "600");
        docker.start(k2, List.of(), "sleep", "600");
        Sidecar.Run kill = sidecar.run("kill", "--limit", "1", "re2:^" + docker.run + "-kill_victim_.*");
        assertEquals(0, kill.exitCode(), kill.output());
        assertEquals(1, countOf("true", running(k1), running(k2)), kill.output());

        String r1 = name("restart_test_1"), r2 = name("restart_test_2");
        docker.start(r1, List.of(), "sleep", "600");
        docker.start(r2, List.of(), "sleep", "600");
        String s1 = docker.inspect(r1, "{{.State.StartedAt}}"), s2 = docker.inspect(r2, "{{.State.StartedAt}}");
        Sidecar.Run restart =
                sidecar.run("restart", "-l", "1", "--time", "1", "re2:^" + docker.run + "-restart_test_.*");
        assertEquals(0, restart.exitCode(), restart.output());
        int restarted = (s1.equals(docker.inspect(r1, "{{.State.StartedAt}}")) ? 0 : 1)
                + (s2.equals(docker.inspect(r2, "{{.State.StartedAt}}")) ? 0 : 1);
        assertEquals(1, restarted, restart.output());

        // the global --limit keeps its meaning beside it: two ticks, each killing one of the two
        String g1 = name("g1"), g2 = name("g2");
        docker.start(g1, List.of(), "sleep", "600");
        docker.start(g2, List.of(), "sleep", "600");
        Sidecar.Run both = sidecar.run(
                "--interval", "200ms", "--limit", "2", "kill", "--limit", "1", "re2:^" + docker.run + "-g[12]$");
        assertEquals(0, both.exitCode(), both.output());
        assertEquals("false false", running(g1) + " " + running(g2), both.output());
    }

    /** Pumba's restart.bats: --timeout 3s restarts a running container; a stopped one is skipped and stays stopped. */
    @Test
    void restartTakesATimeoutAndLeavesAStoppedContainerStopped() throws Exception {
        String up = name("restart_up"), down = name("restart_down");
        docker.start(up, List.of(), "sleep", "600");
        docker.start(down, List.of(), "sleep", "600");
        DockerHost.exec(List.of("docker", "stop", "-t", "1", down));
        assertEquals("exited", docker.inspect(down, "{{.State.Status}}"));

        String startedBefore = docker.inspect(up, "{{.State.StartedAt}}");
        Sidecar.Run timeout = sidecar.run("restart", "--timeout", "3s", up);
        assertEquals(0, timeout.exitCode(), timeout.output());
        assertEquals("running", docker.inspect(up, "{{.State.Status}}"));
        assertTrue(!startedBefore.equals(docker.inspect(up, "{{.State.StartedAt}}")), "restarted");

        Sidecar.Run skipped = sidecar.run("restart", down);
        assertEquals(0, skipped.exitCode(), skipped.output());
        assertTrue(skipped.output().contains("no containers found"), skipped.output());
        assertEquals("exited", docker.inspect(down, "{{.State.Status}}"));
    }

    /**
     * The texts and exit codes Pumba's global.bats and error_handling.bats match, from the built jar: help sections,
     * help as a command, a sub-verb's help despite its parent's required duration, the version, an unknown flag, a
     * verb without targets, a lasting verb without a duration.
     */
    @Test
    void pumbasTextsAndExitCodes() throws Exception {
        for (List<String> help : List.of(
                List.of("--help"),
                List.of("help"),
                List.of("netem", "delay", "--help"),
                List.of("iptables", "loss", "--help"),
                List.of("help", "netem", "rate"))) {
            Sidecar.Run r = sidecar.run(help.toArray(String[]::new));
            assertEquals(0, r.exitCode(), help + ": " + r.output());
            assertTrue(
                    r.output().contains("USAGE:") && !r.output().contains("Missing required"),
                    help + ": " + r.output());
            if (help.size() == 1) assertTrue(r.output().contains("COMMANDS:"), r.output());
        }
        Sidecar.Run version = sidecar.run("--version");
        assertEquals(0, version.exitCode());
        assertTrue(version.output().startsWith("faultline-sidecar version "), version.output());

        Sidecar.Run unknown = sidecar.run("--invalid-param", "kill");
        assertTrue(unknown.exitCode() != 0, unknown.output());
        assertTrue(unknown.output().contains("flag provided but not defined: -invalid-param"), unknown.output());

        for (String verb : List.of("kill", "stop", "rm")) {
            Sidecar.Run none = sidecar.run(verb);
            assertTrue(none.exitCode() != 0, none.output());
            assertTrue(
                    none.output().contains("container name, list of names, or RE2 regex is required"), none.output());
        }
        String target = name("error_target");
        docker.start(target, List.of(), "sleep", "600");
        for (List<String> noDuration :
                List.of(List.of("pause", target), List.of("netem", "delay", "--time", "100", target))) {
            Sidecar.Run r = sidecar.run(noDuration.toArray(String[]::new));
            assertTrue(r.exitCode() != 0, r.output());
            assertTrue(r.output().contains("unset or invalid duration value"), r.output());
        }
        assertEquals("running false", docker.inspect(target, "{{.State.Status}} {{.State.Paused}}"));
    }

    /**
     * Pumba's netem rate without --rate shapes at 100kbit: with netem's own rate where this kernel has sch_netem, else
     * with tbf; the log says which. Reverted at its duration.
     */
    @Test
    void netemRateDefaultsTo100kbitAndSaysHowItShapes() throws Exception {
        String web = name("rate");
        docker.start(web, List.of(), "sleep", "600");
        boolean netem = NetemPreflight.proven();
        Process p = sidecar.start("netem", "--duration", "3s", "rate", web);
        Output out = Output.of(p);
        String kind = netem ? "netem fa17:" : "tbf fa17:";
        await(() -> docker.inNetns(web, "tc", "qdisc", "show", "dev", "eth0").contains(kind), 20_000, kind, out);
        String q = docker.inNetns(web, "tc", "qdisc", "show", "dev", "eth0");
        assertTrue(q.contains("rate 100Kbit"), q);
        assertEquals(0, p.waitFor(), out.toString());
        assertTrue(
                out.toString().contains("netem rate 100kbit shaped with " + (netem ? "netem's rate" : "tbf")),
                out.toString());
        assertTrue(!docker.inNetns(web, "tc", "qdisc", "show", "dev", "eth0").contains("fa17:"), "reverted");
    }

    /**
     * Pumba's iptables.bats placements: filters on {@code iptables}, {@code loss --mode random|nth}, a port list;
     * each rule seen in the target's namespace while it lasts and gone after.
     */
    @Test
    void iptablesTakesPumbasFiltersAndModes() throws Exception {
        String target = name("iptables_target");
        docker.start(target, List.of(), "sleep", "600");
        List<List<String>> runs = List.of(
                List.of(
                        "iptables",
                        "--duration",
                        "3s",
                        "--source",
                        "127.0.0.1/32",
                        "loss",
                        "--mode",
                        "random",
                        "--probability",
                        "1.0",
                        target),
                List.of(
                        "iptables",
                        "--duration",
                        "3s",
                        "--protocol",
                        "tcp",
                        "--dst-port",
                        "80,443",
                        "loss",
                        "--mode",
                        "random",
                        "--probability",
                        "0.5",
                        target),
                List.of(
                        "iptables",
                        "--duration",
                        "3s",
                        "--destination",
                        "127.0.0.1/32",
                        "loss",
                        "--mode",
                        "nth",
                        "--every",
                        "3",
                        "--packet",
                        "0",
                        target));
        List<String> expected = List.of(
                "-s 127.0.0.1/32 -m statistic --mode random --probability 1.00000000000",
                "-p tcp -m multiport --dports 80,443 -m statistic --mode random --probability 0.50000000000",
                "-d 127.0.0.1/32 -m statistic --mode nth --every 3");
        for (int i = 0; i < runs.size(); i++) {
            Process p = sidecar.start(runs.get(i).toArray(String[]::new));
            Output out = Output.of(p);
            String want = expected.get(i);
            await(() -> docker.inNetns(target, "iptables", "-S", "INPUT").contains(want), 20_000, want, out);
            assertEquals(0, p.waitFor(), out.toString());
            assertTrue(!docker.inNetns(target, "iptables", "-S").contains("faultline:"), "reverted: " + out);
        }
    }

    static int countOf(String value, String... values) {
        int n = 0;
        for (String v : values) if (v.equals(value)) n++;
        return n;
    }

    String running(String container) {
        return docker.inspect(container, "{{.State.Running}}");
    }

    static void await(BooleanSupplier done, long millis, String what, Output out) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline)
                throw new AssertionError("timed out waiting for " + what + ":\n" + out);
            Thread.sleep(100);
        }
    }

    /** A running process's output, read as it comes. */
    static final class Output {
        private final StringBuffer text = new StringBuffer();

        static Output of(Process p) {
            Output o = new Output();
            Thread t = new Thread(() -> o.read(p.getInputStream()), "sidecar-output");
            t.setDaemon(true);
            t.start();
            return o;
        }

        private void read(InputStream in) {
            byte[] buf = new byte[4096];
            try {
                for (int n; (n = in.read(buf)) > 0; ) text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            } catch (IOException ended) {
                // the process is gone
            }
        }

        int count(String s) {
            return text.toString().split(Pattern.quote(s), -1).length - 1;
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }
}
