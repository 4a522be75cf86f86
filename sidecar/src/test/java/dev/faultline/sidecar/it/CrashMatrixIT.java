package dev.faultline.sidecar.it;

import dev.faultline.sidecar.change.KillPoints;
import dev.faultline.sidecar.journal.Journal;
import dev.faultline.sidecar.netem.Watchdogs;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The crash matrix: the sidecar SIGKILLed at every step of a change (its own kill points, at a random moment inside
 * the step), for each kind of change, then started again. Every time the target must be left exactly as it was
 * before, witnessed from outside the sidecar: {@code tc qdisc show}, {@code iptables-save}, links (nsenter) and
 * the engine's view (running, not paused, same process); no watchdog left, nothing open in the journal.
 */
class CrashMatrixIT extends EngineTest {
    static final int RUNS = Integer.getInteger("faultline.crash.runs", 20);
    /** The kill lands up to this long after its step is reached, i.e. anywhere inside the next step. */
    static final int JITTER_MS = Integer.getInteger("faultline.crash.jitter", 40);
    /** A regex over the case names, to rerun some of them (e.g. {@code -Dfaultline.crash.only=pause}). */
    static final String ONLY = System.getProperty("faultline.crash.only", ".*");

    /** The change each case makes, as an operator types it (the target's name is appended). */
    static final Map<String, List<String>> CASES = new LinkedHashMap<>();

    static {
        CASES.put("netem rate", List.of("netem", "--duration", "300ms", "rate", "--rate", "1mbit"));
        CASES.put("netem --ingress rate", List.of("netem", "--duration", "300ms", "--ingress", "rate", "--rate", "1mbit"));
        CASES.put("netem --target rate", List.of("netem", "--duration", "300ms", "--target", "10.0.0.0/8", "rate", "--rate", "1mbit"));
        CASES.put("iptables loss", List.of("iptables", "--duration", "300ms", "loss", "--probability", "0.5"));
        CASES.put("pause", List.of("pause", "--duration", "300ms"));
    }

    /** What the target looks like from outside the sidecar. */
    String witness(String name) {
        return TargetWitness.of(docker, name, true);
    }

    /** Watchdog shells (and their sleeps) of changes in this container: change ids end in its short id. */
    static List<ProcessHandle> watchdogsOf(String shortId) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> Watchdogs.isWatchdog(c) && c.contains(shortId)).orElse(false))
                .toList();
    }

    /** What is left on the target, or of the change, compared with before. */
    List<String> leftovers(String name, String shortId, String before) {
        List<String> left = new ArrayList<>();
        String after = witness(name);
        if (!after.equals(before)) left.add("target differs:\n" + after + "\nwas:\n" + before);
        List<ProcessHandle> guards = watchdogsOf(shortId);
        if (!guards.isEmpty()) left.add("watchdogs left: " + guards.stream().map(p -> p.info().commandLine().orElse("?")).toList());
        List<Journal.Entry> open = new Journal(sidecar.journal).pending();
        if (!open.isEmpty()) left.add("journal still open: " + open);
        return left;
    }

    /** A sidecar start held after its recovery ({@code FAULTLINE_TEST_HOLD_AFTER_RECOVERY}). */
    static final class Starting {
        final Process process;
        final java.io.BufferedReader out;
        final StringBuilder said = new StringBuilder();

        Starting(Process process) {
            this.process = process;
            this.out = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream()));
        }

        /** Returns what it said up to the hold. */
        String awaitHold() throws java.io.IOException {
            for (String line; (line = out.readLine()) != null; ) {
                said.append(line).append('\n');
                if (line.contains("faultline-test: recovered, holding")) return said.toString();
            }
            throw new AssertionError("the sidecar ended before its recovery was done:\n" + said);
        }

        /** Lets it go on, to its end or its kill point. */
        Sidecar.Run goOn() throws Exception {
            process.getOutputStream().write('\n');
            process.getOutputStream().flush();
            for (String line; (line = out.readLine()) != null; ) said.append(line).append('\n');
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) throw new AssertionError("did not end:\n" + said);
            return new Sidecar.Run(process.exitValue(), said.toString());
        }
    }

    record Outcome(int runs, int killed, int leftovers, List<String> firstLeftovers) {
    }

    @Test
    void everyKillPointOfEveryChangeLeavesTheTargetAsItWas() throws Exception {
        Map<String, String> targets = new LinkedHashMap<>();
        for (String kind : CASES.keySet()) {
            String name = docker.run + "-" + kind.replaceAll("[^a-z]+", "-");
            docker.start(name, List.of(), "sleep", "3600");
            targets.put(kind, name);
        }
        Map<String, Outcome> table = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        for (var c : CASES.entrySet()) {
            if (!c.getKey().matches(ONLY)) continue;
            String name = targets.get(c.getKey());
            String shortId = docker.inspect(name, "{{.Id}}").substring(0, 12);
            String before = witness(name);
            for (String point : KillPoints.ALL) {
                int killed = 0, leftovers = 0;
                List<String> seen = new ArrayList<>();
                List<String> args = new ArrayList<>(c.getValue());
                args.add(name);
                String lastCrash = "";
                // each start first recovers what the one before left (witnessed while it holds), then crashes in turn
                for (int run = 0; run <= RUNS; run++) {
                    boolean last = run == RUNS;
                    Starting s = new Starting(last ? sidecar.start(Map.of("FAULTLINE_TEST_HOLD_AFTER_RECOVERY", "1"), "--dry-run", "kill", name)
                            : sidecar.start(Map.of("FAULTLINE_TEST_HOLD_AFTER_RECOVERY", "1", "FAULTLINE_TEST_KILL_AT", point + ":" + JITTER_MS),
                            args.toArray(String[]::new)));
                    String recovery = s.awaitHold();
                    if (run > 0) {
                        List<String> left = leftovers(name, shortId, before);
                        if (!left.isEmpty()) {
                            leftovers++;
                            if (seen.size() < 2) seen.add("run " + (run - 1) + ": " + String.join("; ", left) + "\nits recovery said:\n" + recovery
                                    + "\nthe crashed run said:\n" + lastCrash);
                            s.process.destroyForcibly();
                            s.process.waitFor();
                            restore(name, shortId); // so that the next run starts from the same state
                            continue;
                        }
                    }
                    Sidecar.Run r = s.goOn();
                    if (last) break;
                    assertTrue(r.output().contains("kill point " + point + " reached"), c.getKey() + " @" + point + ": " + r.output());
                    if (r.exitCode() == 137) killed++;
                    lastCrash = r.output();
                }
                table.put(c.getKey() + " @" + point, new Outcome(RUNS, killed, leftovers, seen));
            }
        }
        String printed = print(table, (System.nanoTime() - t0) / 1_000_000_000.0);
        System.out.println(printed);
        Files.writeString(Path.of("target", "crash-matrix.txt"), printed);
        List<String> failures = table.entrySet().stream().filter(e -> e.getValue().leftovers() > 0)
                .map(e -> e.getKey() + ":\n" + String.join("\n", e.getValue().firstLeftovers())).toList();
        assertEquals(List.of(), failures, printed);
        // a kill point that never killed would test nothing: before the revert the kill always wins the race
        table.forEach((k, o) -> {
            if (!k.endsWith("@" + KillPoints.REVERTING)) assertEquals(o.runs(), o.killed(), k + " was killed every run");
            else assertTrue(o.killed() > 0, k + " was killed at least once");
        });
    }

    /** Puts a target back by hand after a failed case, so that one failure does not fail every later run. */
    void restore(String name, String shortId) {
        watchdogsOf(shortId).forEach(ProcessHandle::destroy);
        docker.inNetns(name, "tc", "qdisc", "del", "dev", "eth0", "root");
        docker.inNetns(name, "tc", "qdisc", "del", "dev", "eth0", "ingress");
        docker.inNetns(name, "ip", "link", "del", "flifb0");
        docker.inNetns(name, "iptables", "-F");
        docker.inNetns(name, "ip", "link", "set", "dev", "eth0", "txqueuelen", "0"); // a veth's
        DockerHost.exec(List.of("docker", "unpause", name));
        try {
            Files.deleteIfExists(sidecar.journal);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String print(Map<String, Outcome> table, double seconds) {
        StringBuilder out = new StringBuilder(String.format("%-38s %5s %7s %10s%n", "case @ kill point", "runs", "killed", "leftovers"));
        int runs = 0, left = 0;
        for (var e : table.entrySet()) {
            out.append(String.format("%-38s %5d %7d %10d%n", e.getKey(), e.getValue().runs(), e.getValue().killed(), e.getValue().leftovers()));
            runs += e.getValue().runs();
            left += e.getValue().leftovers();
        }
        out.append(String.format("%-38s %5d %7s %10d   (%.0f s, jitter up to %d ms)%n", "total", runs, "", left, seconds, JITTER_MS));
        return out.toString();
    }
}
