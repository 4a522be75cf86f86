package dev.faultline.sidecar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.sidecar.Sidecar;
import dev.faultline.sidecar.runtime.docker.EngineTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each container verb against the real engine, checked through the engine's own view of the container. */
class ContainerVerbsIT extends EngineTest {

    String name(String n) {
        return docker.run + "-" + n;
    }

    @Test
    void killStopRestartRemoveAsTheEngineSeesThem() throws Exception {
        String a = name("a"), b = name("b"), c = name("c"), d = name("d");
        for (String n : List.of(a, b, c, d)) docker.start(n, List.of(), "sleep", "600");

        Sidecar.Run kill = sidecar.run("kill", "--signal", "SIGKILL", a);
        assertEquals(0, kill.exitCode(), kill.output());
        assertEquals("false 137", docker.inspect(a, "{{.State.Running}} {{.State.ExitCode}}"));
        assertTrue(
                kill.output().contains("action=kill")
                        && kill.output().contains("by=cli")
                        && kill.output().contains(a),
                kill.output());

        assertEquals(0, sidecar.run("stop", "--time", "1", b).exitCode());
        assertEquals("false", docker.inspect(b, "{{.State.Running}}"));

        String startedBefore = docker.inspect(c, "{{.State.StartedAt}}");
        assertEquals(0, sidecar.run("restart", "--time", "1", c).exitCode());
        assertEquals("true", docker.inspect(c, "{{.State.Running}}"));
        assertNotEquals(startedBefore, docker.inspect(c, "{{.State.StartedAt}}"), "restarted");

        assertEquals(0, sidecar.run("rm", "--force", "--volumes", d).exitCode());
        assertTrue(docker.inspect(d, "{{.Id}}").startsWith("ERR"), "removed");
    }

    @Test
    void pauseHoldsForItsDurationThenUnpauses() throws Exception {
        String a = name("p");
        docker.start(a, List.of(), "sleep", "600");
        Process p = sidecar.start("pause", "--duration", "3s", a);
        long deadline = System.currentTimeMillis() + 10_000;
        while (!docker.inspect(a, "{{.State.Paused}}").equals("true") && System.currentTimeMillis() < deadline)
            Thread.sleep(100);
        assertEquals("true", docker.inspect(a, "{{.State.Paused}}"));
        assertEquals(0, p.waitFor());
        assertEquals("false true", docker.inspect(a, "{{.State.Paused}} {{.State.Running}}"));
    }

    @Test
    void crashSignalsTheMainProcessSoTheRestartPolicyBringsItBack() throws Exception {
        String a = name("crash");
        docker.start(a, List.of("--restart", "always"), "sleep", "600");
        String pidBefore = docker.inspect(a, "{{.State.Pid}}");
        Sidecar.Run crash = sidecar.run("crash", "--signal", "SIGKILL", a);
        assertEquals(0, crash.exitCode(), crash.output());
        long deadline = System.currentTimeMillis() + 15_000;
        while (!docker.inspect(a, "{{.RestartCount}}").equals("1") && System.currentTimeMillis() < deadline)
            Thread.sleep(100);
        assertEquals("1", docker.inspect(a, "{{.RestartCount}}"), "Docker restarted it once");
        // Docker reports Running=true during its restart back-off too (Restarting=true): no running container to kill
        // yet
        while (!docker.inspect(a, "{{.State.Running}} {{.State.Restarting}}").equals("true false")
                && System.currentTimeMillis() < deadline) Thread.sleep(100);
        assertNotEquals(pidBefore, docker.inspect(a, "{{.State.Pid}}"));

        // the same container under an Engine-API kill stays down: why crash exists
        Sidecar.Run kill = sidecar.run("kill", a);
        assertEquals(0, kill.exitCode(), kill.output());
        Thread.sleep(1500);
        assertEquals("false 1", docker.inspect(a, "{{.State.Running}} {{.RestartCount}}"));
    }

    @Test
    void randomIntervalSpreadsKillsAcrossMatchesAndDryRunChangesNothing() throws Exception {
        for (int i = 0; i < 4; i++) docker.start(name("r" + i), List.of(), "sleep", "600");
        String regex = "re2:^" + docker.run + "-r";

        Sidecar.Run dry = sidecar.run("--dry-run", "--random", "--interval", "200ms", "--limit", "3", "kill", regex);
        assertEquals(0, dry.exitCode(), dry.output());
        assertEquals(3, dry.output().split("dry_run=true", -1).length - 1, dry.output());
        for (int i = 0; i < 4; i++)
            assertEquals("true", docker.inspect(name("r" + i), "{{.State.Running}}"), "dry run changed nothing");

        Sidecar.Run run = sidecar.run("--random", "--interval", "300ms", "--limit", "3", "kill", regex);
        assertEquals(0, run.exitCode(), run.output());
        int down = 0;
        for (int i = 0; i < 4; i++)
            if (docker.inspect(name("r" + i), "{{.State.Running}}").equals("false")) down++;
        assertEquals(3, down, "three kills, each on a different running container:\n" + run.output());
    }

    @Test
    void anEmptySelectionChangesNothingAndBadWordsAreRefused() throws Exception {
        String a = name("keep");
        docker.start(a, List.of(), "sleep", "600");
        Sidecar.Run r = sidecar.run("kill", "re2:^no-such-container-" + docker.run);
        assertEquals(0, r.exitCode(), "as in Pumba: " + r.output());
        assertTrue(r.output().contains("no containers found"), r.output());
        Sidecar.Run none = sidecar.run("kill");
        assertEquals(1, none.exitCode());
        assertTrue(none.output().contains("no targets"), none.output());
        Sidecar.Run bad = sidecar.run("kill", "--signal", "SIGWHAT", a);
        assertEquals(1, bad.exitCode());
        assertTrue(bad.output().contains("--signal SIGWHAT"), bad.output());
        assertEquals("true", docker.inspect(a, "{{.State.Running}}"));
    }

    @Test
    void labelsSelectAndCombineWithNamesAndRegex() throws Exception {
        String blue1 = name("blue1"), blue2 = name("blue2"), green = name("green");
        docker.start(blue1, List.of("--label", "tier=blue"), "sleep", "600");
        docker.start(blue2, List.of("--label", "tier=blue"), "sleep", "600");
        docker.start(green, List.of("--label", "tier=green"), "sleep", "600");

        // --label alone selects every container with it (scoped to this run by its own test label)
        Sidecar.Run byLabel = sidecar.run(
                "--label", "tier=blue", "--label", "dev.faultline.test=" + docker.run, "stop", "--time", "1");
        assertEquals(0, byLabel.exitCode(), byLabel.output());
        assertEquals(
                "false false true",
                docker.inspect(blue1, "{{.State.Running}}") + " " + docker.inspect(blue2, "{{.State.Running}}") + " "
                        + docker.inspect(green, "{{.State.Running}}"));

        // label and regex must both match: green matches the regex but not the label
        Sidecar.Run none = sidecar.run("--label", "tier=blue", "kill", "re2:^" + docker.run + "-green");
        assertEquals(0, none.exitCode(), none.output());
        assertTrue(none.output().contains("no containers found"), none.output());
        assertEquals("true", docker.inspect(green, "{{.State.Running}}"));
    }
}
