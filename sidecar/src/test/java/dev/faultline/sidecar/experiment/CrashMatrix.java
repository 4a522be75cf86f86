package dev.faultline.sidecar.experiment;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.sidecar.Sidecar;
import dev.faultline.sidecar.experiment.change.KillPoints;
import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.network.Watchdogs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One runtime's lane of the crash matrix: for each kind of change and each kill point, {@link #RUNS} sidecar starts
 * that each first recover what the one before left (witnessed while the start holds), then crash at the kill point.
 * The lane says how to make a target, how to name it to the sidecar, and what the target looks like from outside.
 */
public final class CrashMatrix {
    /**
     * 12 runs per kill point: the first exactly at the step, eleven at random moments inside it; every case still
     * runs, in each lane (20 took 16 of CI's minutes; -Dfaultline.crash.runs=20 or more for a longer soak).
     */
    public static final int RUNS = Integer.getInteger("faultline.crash.runs", 12);
    /** The kill lands up to this long after its step is reached, i.e. anywhere inside the next step. */
    public static final int JITTER_MS = Integer.getInteger("faultline.crash.jitter", 40);
    /** A regex over "lane kind" case names, to rerun some of them (e.g. {@code -Dfaultline.crash.only='cri pause'}). */
    static final String ONLY = System.getProperty("faultline.crash.only", ".*");

    /** The change each case makes, as an operator types it (the target is appended). */
    public static final Map<String, List<String>> CASES = new LinkedHashMap<>();

    static {
        CASES.put("netem rate", List.of("netem", "--duration", "150ms", "rate", "--rate", "1mbit"));
        CASES.put(
                "netem --ingress rate",
                List.of("netem", "--duration", "150ms", "--ingress", "rate", "--rate", "1mbit"));
        CASES.put(
                "netem --target rate",
                List.of("netem", "--duration", "150ms", "--target", "10.0.0.0/8", "rate", "--rate", "1mbit"));
        CASES.put("iptables loss", List.of("iptables", "--duration", "150ms", "loss", "--probability", "0.5"));
        CASES.put("pause", List.of("pause", "--duration", "150ms"));
    }

    /** A target as the sidecar is told it ({@code selector}) and as its change ids and watchdogs name it. */
    public record Target(String selector, String shortId) {}

    /** A runtime the matrix runs on. */
    public interface Lane {
        String name();

        /** The sidecar's options that pick this runtime (before the verb). */
        List<String> runtimeOptions();

        Target start(String kind) throws Exception;

        /** {@code tc qdisc show}, {@code iptables-save}, links (nsenter) and the runtime's view of the target. */
        String witness(Target t);

        /** Puts a target back by hand after a failed case, so that one failure does not fail every later run. */
        void restore(Target t);
    }

    public record Outcome(int runs, int killed, int leftovers, List<String> firstLeftovers) {}

    private final Lane lane;
    private final Sidecar sidecar = new Sidecar(); // a journal of its own: lanes run side by side

    public CrashMatrix(Lane lane) {
        this.lane = lane;
    }

    /** Watchdog shells (and their sleeps) of changes on this target: change ids end in its short id. */
    public static List<ProcessHandle> watchdogsOf(String shortId) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info()
                        .commandLine()
                        .map(c -> Watchdogs.isWatchdog(c) && c.contains(shortId))
                        .orElse(false))
                .toList();
    }

    public static void stopWatchdogs(String shortId) {
        watchdogsOf(shortId).forEach(ProcessHandle::destroy);
    }

    /** What is left on the target, or of the change, compared with before. */
    private List<String> leftovers(Target t, String before) {
        List<String> left = new ArrayList<>();
        String after = lane.witness(t);
        if (!after.equals(before)) left.add("target differs:\n" + after + "\nwas:\n" + before);
        List<ProcessHandle> guards = watchdogsOf(t.shortId());
        if (!guards.isEmpty())
            left.add("watchdogs left: "
                    + guards.stream()
                            .map(p -> p.info().commandLine().orElse("?"))
                            .toList());
        List<Journal.Entry> open = new Journal(sidecar.journal).pending();
        if (!open.isEmpty()) left.add("journal still open: " + open);
        return left;
    }

    /** Every case of this lane, as "lane kind @ point" → outcome. */
    public Map<String, Outcome> run() throws Exception {
        Map<String, Outcome> table = new LinkedHashMap<>();
        try (sidecar) {
            for (var c : CASES.entrySet()) {
                String name = lane.name() + " " + c.getKey();
                if (!name.matches(ONLY)) continue;
                Target t = lane.start(c.getKey());
                String before = lane.witness(t);
                for (String point : KillPoints.ALL)
                    table.put(name + " @" + point, atKillPoint(t, c.getValue(), point, before));
            }
        }
        return table;
    }

    private Outcome atKillPoint(Target t, List<String> change, String point, String before) throws Exception {
        int killed = 0, leftovers = 0;
        List<String> seen = new ArrayList<>();
        List<String> args = new ArrayList<>(lane.runtimeOptions());
        args.addAll(change);
        args.add(t.selector());
        List<String> dryRun = new ArrayList<>(lane.runtimeOptions());
        dryRun.addAll(List.of("--dry-run", "kill", t.selector()));
        String lastCrash = "";
        for (int run = 0; run <= RUNS; run++) {
            boolean last = run == RUNS;
            Starting s = new Starting(
                    last
                            ? sidecar.start(
                                    Map.of("FAULTLINE_TEST_HOLD_AFTER_RECOVERY", "1"), dryRun.toArray(String[]::new))
                            : sidecar.start(
                                    Map.of(
                                            "FAULTLINE_TEST_HOLD_AFTER_RECOVERY",
                                            "1",
                                            "FAULTLINE_TEST_KILL_AT",
                                            point + ":" + jitter(run)),
                                    args.toArray(String[]::new)));
            String recovery = s.awaitHold();
            if (run > 0) {
                List<String> left = leftovers(t, before);
                if (!left.isEmpty()) {
                    leftovers++;
                    if (seen.size() < 2)
                        seen.add("run " + (run - 1) + ": " + String.join("; ", left) + "\nits recovery said:\n"
                                + recovery + "\nthe crashed run said:\n" + lastCrash);
                    s.process.destroyForcibly();
                    s.process.waitFor();
                    lane.restore(t);
                    Files.deleteIfExists(sidecar.journal);
                    continue;
                }
            }
            Sidecar.Run r = s.goOn();
            if (last) break;
            assertTrue(
                    r.output().contains("kill point " + point + " reached"),
                    lane.name() + " " + String.join(" ", change) + " @" + point + ": " + r.output());
            if (r.exitCode() == 137) killed++;
            lastCrash = r.output();
        }
        return new Outcome(RUNS, killed, leftovers, seen);
    }

    /**
     * The first run of each kill point dies exactly at the step, the others at a random moment inside it: a revert
     * that is one cgroup write (CRI's thaw) is over before most random kills land, and a point never killed tests nothing.
     */
    static int jitter(int run) {
        return run == 0 ? 0 : JITTER_MS;
    }

    /** A sidecar start held after its recovery ({@code FAULTLINE_TEST_HOLD_AFTER_RECOVERY}). */
    static final class Starting {
        final Process process;
        final BufferedReader out;
        final StringBuilder said = new StringBuilder();

        Starting(Process process) {
            this.process = process;
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream()));
        }

        /** Returns what it said up to the hold. */
        String awaitHold() throws IOException {
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
            for (String line; (line = out.readLine()) != null; )
                said.append(line).append('\n');
            if (!process.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("did not end:\n" + said);
            return new Sidecar.Run(process.exitValue(), said.toString());
        }
    }

    public static String print(Map<String, Outcome> table, double seconds) {
        StringBuilder out = new StringBuilder(
                String.format("%-44s %5s %7s %10s%n", "lane case @ kill point", "runs", "killed", "leftovers"));
        int runs = 0, left = 0;
        for (var e : table.entrySet()) {
            out.append(String.format(
                    "%-44s %5d %7d %10d%n",
                    e.getKey(),
                    e.getValue().runs(),
                    e.getValue().killed(),
                    e.getValue().leftovers()));
            runs += e.getValue().runs();
            left += e.getValue().leftovers();
        }
        out.append(String.format(
                "%-44s %5d %7s %10d   (%.0f s, jitter up to %d ms)%n", "total", runs, "", left, seconds, JITTER_MS));
        return out.toString();
    }
}
