package dev.faultline.sidecar.stress;

import dev.faultline.sidecar.experiment.change.Change;
import dev.faultline.sidecar.experiment.change.KillPoints;
import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.network.NetnsCommand;
import dev.faultline.sidecar.network.NetnsExecutor;
import dev.faultline.sidecar.targets.ContainerTarget;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Pumba's {@code stress} without its image: stress-ng started by the sidecar on the node, moved into the target's
 * cgroups before it runs, so that its load is the container's (its limits, its accounting). Every process of it
 * carries {@value #MARK}{@code =<change id>} in its environment, inherited by stress-ng's workers: the revert and its
 * check find them by that mark, here, in the watchdog's shell and at a later start alike, with no PID to go stale.
 * <p>
 * Three guards end it: stress-ng's own {@code --timeout} (the duration), the launcher shell that kills every marked
 * process within {@value #POLL} s of the sidecar's death, and the journal (recovery at the next start).
 */
public final class StressChange extends Change {
    /** The environment variable every stress process carries, its value the change id. */
    public static final String MARK = "FAULTLINE_STRESS";

    static final String POLL = "0.2";
    /** stress-ng's process stops itself until it is in the target's cgroups; how long that may take us. */
    private static final Duration PLACE_WITHIN = Duration.ofSeconds(5);

    private static final NetnsExecutor HOST = NetnsExecutor.nsenter(0);

    /** Every process marked with change {@code $1}, one grep over all environments; each as {@code p}, our own shell skipped. */
    private static final String EACH_MARKED = "for f in $(grep -lzx \"" + MARK
            + "=$1\" /proc/[0-9]*/environ 2>/dev/null); do p=${f#/proc/}; p=${p%/environ}; [ \"$p\" = \"$$\" ] && continue; ";

    /** Kills every process marked with change {@code $1}; constant, the id its argument. */
    static final String KILL_MARKED = EACH_MARKED + "kill -KILL \"$p\" 2>/dev/null; done; exit 0";

    /** Succeeds only when no process is marked with change {@code $1}. */
    static final String NONE_MARKED =
            EACH_MARKED + "[ -d \"/proc/$p\" ] && { echo \"stress process $p still runs\"; exit 1; }; done; exit 0";

    /**
     * The launcher: starts the load stopped ({@code kill -STOP $$} before its exec: the sidecar moves it, then
     * continues it), prints its PID, then polls the sidecar ({@code $2}); once that is gone it kills every marked
     * process. Constant; the change id, the sidecar's PID and stress-ng's argv are its arguments.
     */
    static final String LAUNCHER = "id=$1; owner=$2; shift 2; "
            + "sh -c 'kill -STOP $$; exec \"$@\"' faultline-stress-load \"$@\" </dev/null >/dev/null 2>&1 & p=$!; "
            + "echo \"$p\"; "
            + "while kill -0 \"$p\" 2>/dev/null; do "
            + "if ! kill -0 \"$owner\" 2>/dev/null; then sh -c '" + KILL_MARKED.replace("'", "'\\''")
            + "' faultline-stress-reap \"$id\"; exit 0; fi; "
            + "sleep " + POLL + " & wait $!; done";

    private final ContainerCgroups cgroups;
    private final List<String> stressNg;
    private final List<List<String>> revert;
    private final List<List<String>> verify;
    private Process launcher;

    /** {@code stressNg}: stress-ng's whole argv, its {@code --timeout} included. */
    public StressChange(
            String id, ContainerTarget target, ContainerCgroups cgroups, List<String> stressNg, Journal journal) {
        this(id, target.id(), target.toString(), cgroups, stressNg, journal, revert(id), verify(id));
    }

    private StressChange(
            String id,
            String targetId,
            String label,
            ContainerCgroups cgroups,
            List<String> stressNg,
            Journal journal,
            List<List<String>> revert,
            List<List<String>> verify) {
        super(id, targetId, label, Journal.Kind.STRESS, revert, verify, journal);
        this.cgroups = cgroups;
        this.stressNg = stressNg;
        this.revert = revert;
        this.verify = verify;
    }

    /** A stress a crashed sidecar left, read back from its journal: its marked processes are killed. */
    public static Change adopt(Journal.Entry e, Journal journal) {
        return new StressChange(e.id(), e.containerId(), e.containerId(), null, null, journal, e.revert(), e.verify())
                .adopted();
    }

    static List<List<String>> revert(String id) {
        return List.of(List.of("sh", "-c", KILL_MARKED, "faultline-stress-reap", id));
    }

    static List<List<String>> verify(String id) {
        return List.of(List.of("sh", "-c", NONE_MARKED, "faultline-stress-check", id));
    }

    /** Where stress-ng is on this node's PATH; a clear error when it is not installed. */
    public static String stressNgPath() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, "stress-ng");
            if (Files.isExecutable(p)) return p.toString();
        }
        throw new IllegalStateException(
                "stress-ng is not installed where the sidecar runs (Debian: apt-get install stress-ng; the sidecar image has it)");
    }

    @Override
    protected void make() {
        List<String> argv = new ArrayList<>(List.of(
                "sh",
                "-c",
                LAUNCHER,
                "faultline-stress",
                id(),
                Long.toString(ProcessHandle.current().pid())));
        argv.addAll(stressNg);
        ProcessBuilder pb = new ProcessBuilder(argv).directory(new File("/tmp")).redirectErrorStream(true);
        pb.environment().put(MARK, id());
        try {
            launcher = pb.start();
            launcher.getOutputStream().close();
            String first = new BufferedReader(new InputStreamReader(launcher.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            if (first == null || !first.strip().matches("[0-9]+"))
                throw new IllegalStateException("the stress launcher did not start: " + first);
            long pid = Long.parseLong(first.strip());
            awaitStopped(pid);
            for (Path procs : cgroups.procsFiles()) {
                try {
                    Files.writeString(procs, Long.toString(pid));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot move stress-ng into " + procs + ": " + e.getMessage(), e);
                }
            }
            KillPoints.reached(KillPoints.FIRST_COMMAND);
            NetnsCommand.Result r =
                    NetnsCommand.run(0, List.of("/bin/sh", "-c", "kill -s CONT \"$1\"", "kill", Long.toString(pid)));
            if (!r.ok()) throw new IllegalStateException("cannot continue stress-ng (pid " + pid + "): " + r.output());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start stress-ng: " + e.getMessage(), e);
        }
    }

    /** Until the load's shell has stopped itself (state T in /proc/PID/stat), so that it runs nothing outside the cgroup. */
    private static void awaitStopped(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        long end = System.nanoTime() + PLACE_WITHIN.toNanos();
        while (true) {
            try {
                String s = Files.readString(stat);
                char state = s.charAt(s.lastIndexOf(')') + 2);
                if (state == 'T') return;
                if (state == 'Z') throw new IllegalStateException("stress-ng (pid " + pid + ") ended before it ran");
            } catch (IOException e) {
                throw new IllegalStateException("stress-ng (pid " + pid + ") ended before it ran", e);
            }
            if (System.nanoTime() > end)
                throw new IllegalStateException(
                        "stress-ng (pid " + pid + ") did not stop itself within " + PLACE_WITHIN.toMillis() + " ms");
            Thread.onSpinWait();
        }
    }

    @Override
    protected void undo() {
        for (List<String> cmd : revert) HOST.run(cmd);
    }

    @Override
    protected String leftover() {
        return firstFailure(HOST, verify);
    }

    @Override
    protected Runnable watchdog(Duration after) {
        return HOST.watchdog(id(), after, revert);
    }

    /**
     * Whether stress-ng ended within {@code within} (its own {@code --timeout}, or an error): its launcher ends with
     * it. True for a stress not made here (adopted).
     */
    public boolean awaitEnd(Duration within) throws InterruptedException {
        return launcher == null || launcher.waitFor(Math.max(0, within.toMillis()), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void closed() {
        if (launcher != null) launcher.destroy(); // ended with its load already; reaped here
    }

    @Override
    protected String how() {
        return cgroups == null ? "stress-ng" : "stress-ng in " + cgroups;
    }
}
