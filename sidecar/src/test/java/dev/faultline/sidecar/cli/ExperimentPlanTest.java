package dev.faultline.sidecar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.common.sidecar.Verb;
import dev.faultline.sidecar.network.NetemPreflight;
import dev.faultline.sidecar.targets.PodTargets;
import dev.faultline.sidecar.targets.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A plan's canonical words are the ones the action log and list() always showed: pure parsing, nothing runs. */
class ExperimentPlanTest {
    static ExperimentPlan plan(String... args) {
        CommandLine.ParseResult r = SidecarCli.commandLine(null).parseArgs(args);
        while (r.hasSubcommand()) r = r.subcommand();
        return ((TargetedCommand) r.commandSpec().userObject()).plan();
    }

    /** netem rate's words: netem's own rate where this kernel has sch_netem, else tbf. */
    static String rate(String rate) {
        return NetemPreflight.proven() ? "netem rate " + rate : "tbf rate " + rate + " burst 32kbit latency 400ms";
    }

    /** Pumba's iptables filters on iptables, the sidecar's on loss; --mode, --packet, port lists, protocol any. */
    @Test
    void iptablesFiltersInEitherPlaceAndPumbasLossModes() {
        assertEquals(
                "iptables --duration 10000ms loss -s 127.0.0.1/32 -m statistic --mode random --probability 1.0 web",
                plan(
                                "--runtime",
                                "docker",
                                "iptables",
                                "--duration",
                                "10s",
                                "--source",
                                "127.0.0.1/32",
                                "loss",
                                "--mode",
                                "random",
                                "--probability",
                                "1.0",
                                "web")
                        .canonical());
        assertEquals(
                "iptables --duration 10000ms loss -p tcp -m multiport --dports 80,443 -m statistic --mode random "
                        + "--probability 0.5 web",
                plan(
                                "--runtime",
                                "docker",
                                "iptables",
                                "--duration",
                                "10s",
                                "--protocol",
                                "tcp",
                                "--dst-port",
                                "80,443",
                                "loss",
                                "--mode",
                                "random",
                                "--probability",
                                "0.5",
                                "web")
                        .canonical());
        assertEquals(
                "iptables --duration 10000ms loss -m statistic --mode nth --every 3 --packet 2 web",
                plan(
                                "--runtime",
                                "docker",
                                "iptables",
                                "-d",
                                "10s",
                                "loss",
                                "--mode",
                                "nth",
                                "--every",
                                "3",
                                "--packet",
                                "2",
                                "web")
                        .canonical());
        assertEquals(
                "iptables --duration 1000ms loss -i eth0 -d 10.0.0.1,10.0.0.2 -m statistic --mode nth --every 2 "
                        + "--packet 0 web",
                plan(
                                "--runtime",
                                "docker",
                                "iptables",
                                "-d",
                                "1s",
                                "--dest",
                                "10.0.0.1",
                                "--destination",
                                "10.0.0.2",
                                "-i",
                                "eth0",
                                "-p",
                                "any",
                                "loss",
                                "--every",
                                "2",
                                "web")
                        .canonical());
        assertEquals(
                "iptables --duration 1000ms loss -d 10.0.0.9 -m statistic --mode nth --every 2 --packet 0 web",
                plan(
                                "--runtime",
                                "docker",
                                "iptables",
                                "-d",
                                "1s",
                                "--dest",
                                "10.0.0.1",
                                "loss",
                                "--every",
                                "2",
                                "--dest",
                                "10.0.0.9",
                                "web")
                        .canonical(),
                "the loss word wins");
        for (String[] bad : List.of(
                new String[] {"loss", "--mode", "nth", "web"},
                new String[] {"loss", "--mode", "random", "--every", "5", "web"},
                new String[] {"loss", "--mode", "sometimes", "--every", "5", "web"},
                new String[] {"loss", "--every", "3", "--packet", "3", "web"},
                new String[] {"loss", "--probability", "2.5", "web"})) {
            List<String> words = new ArrayList<>(List.of("--runtime", "docker", "iptables", "-d", "1s"));
            words.addAll(List.of(bad));
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> ((NetworkEffects.IptablesLoss)
                                    plan(words.toArray(String[]::new)).effect())
                            .rule(),
                    words.toString());
            assertTrue(e.getMessage().matches("(?s).*(every|nth|mode|packet|probability).*"), e.getMessage());
        }
    }

    /** Pumba's netem rate without --rate: 100kbit. */
    @Test
    void rateDefaultsToPumbas100kbit() {
        assertEquals(
                "netem --duration 1000ms --interface eth0 " + rate("100kbit") + " web",
                plan("--runtime", "docker", "netem", "-d", "1s", "rate", "web").canonical());
    }

    @Test
    void containerVerbs() {
        assertEquals(
                "kill --signal SIGTERM web-1 db re2:^api",
                plan("--runtime", "docker", "kill", "--signal", "term", "web-1", "/db", "re2:^api")
                        .canonical());
        assertEquals(
                "stop --time 5 --label app=shop",
                plan("--runtime", "docker", "--label", "app=shop", "stop", "--time", "5")
                        .canonical());
        assertEquals(
                "pause --duration 1500ms web --namespace shop",
                plan("--runtime", "cri", "--namespace", "shop", "pause", "--duration", "1500ms", "web")
                        .canonical());
        assertEquals(
                "restart --time 10 web",
                plan("--runtime", "docker", "restart", "web").canonical());
        assertEquals(
                "rm --volumes web",
                plan("--runtime", "docker", "rm", "--force=false", "-v", "web").canonical());
        assertEquals("rm --force web", plan("--runtime", "docker", "rm", "web").canonical());
        assertEquals(
                "crash --signal SIGKILL web",
                plan("--runtime", "docker", "--random", "--interval", "1s", "--limit", "3", "crash", "web")
                        .canonical());
    }

    @Test
    void theScheduleAndTheSelectionAreValues() {
        ExperimentPlan p = plan(
                "--runtime", "docker", "--random", "--interval", "1s", "--limit", "3", "--dry-run", "crash", "web");
        assertEquals(new ExperimentPlan.Schedule(true, Duration.ofSeconds(1), 3, true, 0), p.schedule());
        assertEquals(Verb.CRASH, p.verb());
        assertEquals(new ExperimentPlan.Containers(List.of("web"), null, null, true), p.selection());
        assertEquals(
                new ExperimentPlan.Pod(List.of("nginx")),
                plan("--pod", "kill", "nginx").selection());
    }

    /** Pumba's per-verb --limit beside the sidecar's global one: each keeps its meaning. */
    @Test
    void aVerbsLimitIsHowManyOfTheMatchesTheGlobalOneHowManyTicks() {
        ExperimentPlan p =
                plan("--runtime", "docker", "--interval", "1s", "--limit", "3", "kill", "--limit", "2", "re2:^w");
        assertEquals(new ExperimentPlan.Schedule(false, Duration.ofSeconds(1), 3, false, 2), p.schedule());
        assertEquals("kill --signal SIGKILL --limit 2 re2:^w", p.canonical());
        for (String verb : List.of("stop", "restart", "rm"))
            assertEquals(
                    1,
                    plan("--runtime", "docker", verb, "-l", "1", "web")
                            .schedule()
                            .atMost(),
                    verb);
        assertEquals(
                4,
                plan("--runtime", "docker", "pause", "--duration", "1s", "--limit", "4", "web")
                        .schedule()
                        .atMost());
        assertEquals(0, plan("--runtime", "docker", "crash", "web").schedule().atMost());
        assertThrows(
                CommandLine.ParameterException.class,
                () -> plan("--runtime", "docker", "kill", "--limit", "-1", "web"));

        List<Target> three = List.of(PodTargets.self(), PodTargets.self(), PodTargets.self());
        assertEquals(2, Scheduler.atMost(2, three).size());
        assertEquals(3, Scheduler.atMost(5, three).size());
    }

    /** Pumba's restart --timeout (a duration) and the sidecar's --time (seconds): one option, whole seconds. */
    @Test
    void restartsWaitIsPumbasTimeoutOrTheSidecarsSeconds() {
        assertEquals(
                "restart --time 3 web",
                plan("--runtime", "docker", "restart", "--timeout", "3s", "web").canonical());
        assertEquals(
                "restart --time 1 web",
                plan("--runtime", "docker", "restart", "-t", "500ms", "web").canonical());
        assertEquals(
                "restart --time 7 web",
                plan("--runtime", "docker", "restart", "--time", "7", "web").canonical());
        assertEquals(
                "restart --time 10 web",
                plan("--runtime", "docker", "restart", "web").canonical());
        assertEquals(
                new ExperimentPlan.Containers(List.of("web"), null, null, true),
                plan("--runtime", "docker", "restart", "web").selection(),
                "running containers only: a stopped one stays stopped");
        assertThrows(
                CommandLine.ParameterException.class,
                () -> plan("--runtime", "docker", "restart", "--timeout", "3 s", "web"));
    }

    @Test
    void networkVerbs() {
        assertEquals(
                "netem --duration 2000ms --interface eth1 --target 10.0.0.0/8 netem loss 5% web",
                plan(
                                "--runtime",
                                "docker",
                                "netem",
                                "--duration",
                                "2s",
                                "--interface",
                                "eth1",
                                "--target",
                                "10.0.0.0/8",
                                "loss",
                                "--percent",
                                "5",
                                "web")
                        .canonical());
        assertEquals(
                "netem --duration 1000ms --interface eth0 --ingress " + rate("1mbit") + " web",
                plan("--runtime", "docker", "netem", "--duration", "1s", "--ingress", "rate", "--rate", "1mbit", "web")
                        .canonical());
        assertEquals(
                "iptables --duration 60000ms loss -p tcp --dport 80 -m statistic --mode random --probability 0.5 web",
                plan(
                                "--runtime",
                                "docker",
                                "iptables",
                                "--duration",
                                "1m",
                                "loss",
                                "--probability",
                                "0.5",
                                "--dport",
                                "80",
                                "web")
                        .canonical());
    }

    @Test
    void podMode() {
        assertEquals(
                "kill --signal SIGTERM (pod) nginx re2:worker",
                plan("--pod", "kill", "--signal", "SIGTERM", "nginx", "re2:worker")
                        .canonical());
        assertEquals(
                "crash --signal SIGKILL (pod) nginx",
                plan("--pod", "crash", "nginx").canonical());
        assertEquals(
                "netem --duration 1000ms --interface eth0 netem loss 5% (pod) self",
                plan("--pod", "netem", "--duration", "1s", "loss", "--percent", "5")
                        .canonical());
        assertEquals(
                "iptables --duration 1000ms loss -m statistic --mode nth --every 3 --packet 0 (pod) self",
                plan("--pod", "iptables", "--duration", "1s", "loss", "--every", "3", "self")
                        .canonical());
    }

    @Test
    void thePlainPathPlansAlike() {
        String[] words = {"--runtime", "docker", "kill", "--signal", "SIGTERM", "web"};
        Optional<TargetedCommand> plain = PlainContainerCommand.parse(null, words);
        assertTrue(plain.isPresent(), "a plain kill takes the fast path");
        assertEquals(plan(words), plain.get().plan());
    }

    /** netem's and iptables' plans are values: the same words make equal plans, with the flags as given. */
    @Test
    void networkPlansAreValues() {
        String[] netem = {
            "--runtime",
            "docker",
            "netem",
            "-d",
            "2s",
            "-i",
            "eth1",
            "-t",
            "10.0.0.0/8",
            "loss",
            "-p",
            "5",
            "-c",
            "25",
            "--duplicate",
            "1",
            "web"
        };
        assertEquals(plan(netem), plan(netem));
        NetworkEffects.Also also = new NetworkEffects.Also(null, 1.0, null);
        assertEquals(
                new NetworkEffects.Netem(
                        Duration.ofSeconds(2),
                        "eth1",
                        List.of("10.0.0.0/8"),
                        false,
                        new NetworkEffects.Percentage(NetworkEffects.PercentEffect.LOSS, 5, 25.0, also)),
                plan(netem).effect());
        assertEquals(
                new NetworkEffects.Rate("1mbit", NetemPreflight.proven()),
                ((NetworkEffects.Netem) plan("--pod", "netem", "-d", "1s", "rate", "-r", "1mbit")
                                .effect())
                        .qdisc());
        assertEquals(
                new NetworkEffects.Delay(100, 0, null, null, new NetworkEffects.Also(null, null, null)),
                ((NetworkEffects.Netem)
                                plan("--pod", "netem", "-d", "1s", "delay").effect())
                        .qdisc());
        String[] iptables = {
            "--runtime",
            "docker",
            "iptables",
            "-d",
            "1m",
            "loss",
            "--probability",
            "0.5",
            "--egress",
            "--dst",
            "10.0.0.2",
            "--dport",
            "80",
            "web"
        };
        assertEquals(plan(iptables), plan(iptables));
        NetworkEffects.IptablesLoss loss = new NetworkEffects.IptablesLoss(
                Duration.ofMinutes(1), true, null, null, null, "10.0.0.2", null, "80", 0.5, null, 0);
        assertEquals(loss, plan(iptables).effect());
    }

    /** Every netem effect and iptables flag: the words pinned before netem and iptables became values. */
    @Test
    void networkVerbVariants() {
        assertCanonical(
                "netem --duration 30000ms --interface eth0 netem delay 100ms web",
                "--runtime docker netem --duration 30s delay web");
        assertCanonical(
                "netem --duration 60000ms --interface eth0 netem delay 250ms 20ms 25% distribution normal web " + "db",
                "--runtime docker netem -d 1m delay --time 250 --jitter 20 --correlation 25 --distribution normal "
                        + "web db");
        assertCanonical(
                "netem --duration 60000ms --interface eth0 netem delay 0ms 0ms 10% loss 5% duplicate 1.5% "
                        + "corrupt 0.1% web",
                "--runtime docker netem -d 1m delay -t 0 -c 10 --loss 5 --duplicate 1.5 --corrupt 0.1 web");
        assertCanonical(
                "netem --duration 60000ms --interface eth0 netem loss 12.5% 50% web",
                "--runtime docker netem -d 1m loss --percent 12.5 --correlation 50 web");
        assertCanonical(
                "netem --duration 60000ms --interface eth0 netem loss 5% duplicate 20% corrupt 1% web",
                "--runtime docker netem -d 1m loss -p 5 --duplicate 20 --corrupt 1 web");
        assertCanonical(
                "netem --duration 90000ms --interface eth0 netem duplicate 20% 50% corrupt 0% 0% web",
                "--runtime docker netem -d 90s duplicate --percent 20 --correlation 50 web");
        assertCanonical(
                "netem --duration 90000ms --interface eth0 netem loss 5% 0% duplicate 20% 50% web",
                "--runtime docker netem -d 90s duplicate -p 20 -c 50 --loss 5 web");
        assertCanonical(
                "netem --duration 120000ms --interface eth0 netem corrupt 5% re2:^api",
                "--runtime docker netem -d 2m corrupt --percent 5 re2:^api");
        assertCanonical(
                "netem --duration 120000ms --interface eth0 netem loss 1% corrupt 5% 25% web",
                "--runtime docker netem -d 2m corrupt -p 5 -c 25 --loss 1 web");
        assertCanonical(
                "netem --duration 1000ms --interface eth1 --ingress --target 10.0.0.0/8 --target fd00::/64 "
                        + "netem corrupt 3% --label app=shop",
                "--runtime docker --label app=shop netem -d 1s -i eth1 -t 10.0.0.0/8 --target fd00::/64 --ingress "
                        + "corrupt -p 3");
        assertCanonical(
                "netem --duration 1000ms --interface ens5 " + rate("100kbit") + " web",
                "--runtime docker netem -d 1s --interface ens5 rate --rate 100kbit web");
        assertCanonical(
                "netem --duration 1500ms --interface eth0 " + rate("1gbit") + " web " + "--namespace shop",
                "--runtime cri --namespace shop netem -d 1500ms rate -r 1gbit web");
        assertCanonical(
                "netem --duration 1000ms --interface eth0 netem delay 10ms (pod) self",
                "--pod netem -d 1s delay -t 10 self");
        assertCanonical(
                "netem --duration 1000ms --interface eth0 --ingress " + rate("1mbit") + " " + "(pod) self",
                "--pod netem -d 1s --ingress rate -r 1mbit");

        assertCanonical(
                "iptables --duration 30000ms loss -m statistic --mode random --probability 0.25 web",
                "--runtime docker iptables -d 30s loss --probability 0.25 web");
        assertCanonical(
                "iptables --duration 30000ms loss -m statistic --mode nth --every 10 --packet 0 web",
                "--runtime docker iptables -d 30s loss --every 10 web");
        assertCanonical(
                "iptables --duration 30000ms loss -p udp -s 10.0.0.0/8 -d 172.17.0.2 --sport 53 --dport 5353 "
                        + "-m statistic --mode nth --every 2 --packet 0 web",
                "--runtime docker iptables -d 30s loss --every 2 --egress --protocol udp --source 10.0.0.0/8 "
                        + "--destination 172.17.0.2 --src-port 53 --dst-port 5353 web");
        assertCanonical(
                "iptables --duration 30000ms loss -p icmp -s 192.168.1.1 -d fd00::1 -m statistic --mode random "
                        + "--probability 1.0 web",
                "--runtime docker iptables -d 30s loss --probability 1 -p icmp -s 192.168.1.1 -d fd00::1 web");
        assertCanonical(
                "iptables --duration 30000ms loss -p tcp --sport 1234 -m statistic --mode random --probability "
                        + "0.1 web",
                "--runtime docker iptables -d 30s loss --probability 0.1 --sport 1234 web");
        assertCanonical(
                "iptables --duration 30000ms loss -p all --dport 443 -m statistic --mode nth --every 3 "
                        + "--packet 0 web",
                "--runtime docker iptables -d 30s loss --every 3 -p all --dport 443 --egress web");
        assertCanonical(
                "iptables --duration 3600000ms loss -p tcp -s 10.0.0.1 -d 10.0.0.2 -m statistic --mode nth "
                        + "--every 1 --packet 0 --label app=shop",
                "--runtime docker --label app=shop iptables --duration 1h loss --every 1 --src 10.0.0.1 --dst "
                        + "10.0.0.2 -p tcp");
        assertCanonical(
                "iptables --duration 1000ms loss -p tcp --dport 80 -m statistic --mode random --probability "
                        + "0.5 (pod) self",
                "--pod iptables -d 1s loss --probability 0.5 --egress -p tcp --dport 80 self");
    }

    /** A bad value is refused when the plan's words are made, with the message it always had. */
    @Test
    void badNetworkValuesAreRefusedWhenDescribed() {
        assertRefusedWhenDescribed(
                "--percent 150.0: a percentage is 0-100", "--runtime docker netem -d 1s loss -p 150 web");
        assertRefusedWhenDescribed(
                "--rate fast: expected a tc rate such as 100kbit, 1mbit, 500kbps",
                "--runtime docker netem -d 1s rate -r fast web");
        assertRefusedWhenDescribed(
                "iptables loss needs --probability or --every", "--runtime docker iptables -d 30s loss web");
        assertRefusedWhenDescribed(
                "give --probability or --every, not both",
                "--runtime docker iptables -d 30s loss --every 2 --probability 0.5 web");
    }

    static void assertCanonical(String expected, String line) {
        assertEquals(expected, plan(line.split(" ")).canonical(), line);
    }

    static void assertRefusedWhenDescribed(String message, String line) {
        ExperimentPlan p = plan(line.split(" ")); // planning takes any value: the checks run when it is scheduled
        assertEquals(
                message,
                assertThrows(IllegalArgumentException.class, p::canonical, line).getMessage());
    }
}
