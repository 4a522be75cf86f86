package dev.faultline.sidecar.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A plan's canonical words are the ones the action log and list() always showed: pure parsing, nothing runs. */
class ExperimentPlanTest {
    static ExperimentPlan plan(String... args) {
        CommandLine.ParseResult r = SidecarCli.commandLine(null).parseArgs(args);
        while (r.hasSubcommand()) r = r.subcommand();
        return ((TargetedCommand) r.commandSpec().userObject()).plan();
    }

    @Test
    void containerVerbs() {
        assertEquals("kill --signal SIGTERM web-1 db re2:^api", plan("--runtime", "docker", "kill", "--signal", "term", "web-1", "/db", "re2:^api").canonical());
        assertEquals("stop --time 5 --label app=shop", plan("--runtime", "docker", "--label", "app=shop", "stop", "--time", "5").canonical());
        assertEquals("pause --duration 1500ms web --namespace shop", plan("--runtime", "cri", "--namespace", "shop", "pause", "--duration", "1500ms", "web").canonical());
        assertEquals("restart --time 10 web", plan("--runtime", "docker", "restart", "web").canonical());
        assertEquals("rm --volumes web", plan("--runtime", "docker", "rm", "--force=false", "-v", "web").canonical());
        assertEquals("rm --force web", plan("--runtime", "docker", "rm", "web").canonical());
        assertEquals("crash --signal SIGKILL web", plan("--runtime", "docker", "--random", "--interval", "1s", "--limit", "3", "crash", "web").canonical());
    }

    @Test
    void theScheduleAndTheSelectionAreValues() {
        ExperimentPlan p = plan("--runtime", "docker", "--random", "--interval", "1s", "--limit", "3", "--dry-run", "crash", "web");
        assertEquals(new ExperimentPlan.Schedule(true, java.time.Duration.ofSeconds(1), 3, true), p.schedule());
        assertEquals("crash", p.verb());
        assertEquals(new ExperimentPlan.Containers(java.util.List.of("web"), null, null, true), p.selection());
        assertEquals(new ExperimentPlan.Pod(java.util.List.of("nginx")), plan("--pod", "kill", "nginx").selection());
    }

    @Test
    void networkVerbs() {
        assertEquals("netem --duration 2000ms --interface eth1 --target 10.0.0.0/8 netem loss 5% web",
                plan("--runtime", "docker", "netem", "--duration", "2s", "--interface", "eth1", "--target", "10.0.0.0/8", "loss", "--percent", "5", "web").canonical());
        assertEquals("netem --duration 1000ms --interface eth0 --ingress tbf rate 1mbit burst 32kbit latency 400ms web",
                plan("--runtime", "docker", "netem", "--duration", "1s", "--ingress", "rate", "--rate", "1mbit", "web").canonical());
        assertEquals("iptables --duration 60000ms loss -p tcp --dport 80 -m statistic --mode random --probability 0.5 web",
                plan("--runtime", "docker", "iptables", "--duration", "1m", "loss", "--probability", "0.5", "--dport", "80", "web").canonical());
    }

    @Test
    void podMode() {
        assertEquals("kill --signal SIGTERM (pod) nginx re2:worker", plan("--pod", "kill", "--signal", "SIGTERM", "nginx", "re2:worker").canonical());
        assertEquals("crash --signal SIGKILL (pod) nginx", plan("--pod", "crash", "nginx").canonical());
        assertEquals("netem --duration 1000ms --interface eth0 netem loss 5% (pod) self", plan("--pod", "netem", "--duration", "1s", "loss", "--percent", "5").canonical());
        assertEquals("iptables --duration 1000ms loss -m statistic --mode nth --every 3 --packet 0 (pod) self",
                plan("--pod", "iptables", "--duration", "1s", "loss", "--every", "3", "self").canonical());
    }

    @Test
    void thePlainPathPlansAlike() {
        String[] words = {"--runtime", "docker", "kill", "--signal", "SIGTERM", "web"};
        Optional<TargetedCommand> plain = PlainContainerCommand.parse(null, words);
        assertTrue(plain.isPresent(), "a plain kill takes the fast path");
        assertEquals(plan(words), plain.get().plan());
    }
}
