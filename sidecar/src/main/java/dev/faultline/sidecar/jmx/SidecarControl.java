package dev.faultline.sidecar.jmx;

import dev.faultline.common.jmx.RemoteAccess;
import dev.faultline.common.jmx.Role;
import dev.faultline.common.sidecar.Verb;
import dev.faultline.common.words.Printable;
import dev.faultline.common.words.Tokenizer;
import dev.faultline.sidecar.cli.ExperimentWords;
import dev.faultline.sidecar.cli.Runner;
import dev.faultline.sidecar.experiment.Experiment;
import dev.faultline.sidecar.experiment.change.OpenChanges;
import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.jvmcontrol.JvmSessions;
import dev.faultline.sidecar.network.NetemPreflight;
import dev.faultline.sidecar.runtime.ContainerRuntime;
import dev.faultline.sidecar.runtime.detect.Runtimes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** The daemon: JMX {@code run("…")} parses the CLI's words and schedules the experiment in the background. */
public final class SidecarControl implements SidecarMBean {
    private final Journal journal;
    private final Supplier<ContainerRuntime> opener;
    private ContainerRuntime runtime;
    /** How many ended experiments {@code list()} still shows: a daemon that runs for months must not keep them all. */
    static final int ENDED_KEPT = 100;

    private final Map<String, Experiment> experiments = new LinkedHashMap<>();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "faultline-experiment");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong actionsRun = new AtomicLong();
    private final AtomicLong containersAffected = new AtomicLong();
    private final Runner runner = new DaemonRunner();

    /**
     * @param opener opens the runtime the daemon's flags name (throws in pod mode); tried at start and, until it
     *               succeeds, at each use: a runtime down at the daemon's start is an error per run(), not forever
     */
    public SidecarControl(Journal journal, Supplier<ContainerRuntime> opener) {
        this.journal = journal;
        this.opener = opener;
    }

    /** The runtime, opened at the first use that succeeds. */
    public synchronized ContainerRuntime runtime() {
        if (runtime == null) {
            runtime = opener.get();
            runtime.keepCurrent();
        }
        return runtime;
    }

    @Override
    public String run(String command) {
        List<String> words;
        try {
            words = words(command);
        } catch (
                IllegalArgumentException e) { // it echoes the command, which may be hostile: printable, short, one line
            throw new IllegalArgumentException(Printable.message(e.getMessage()));
        }
        if (!words.isEmpty() && words.get(0).equals(Verb.DAEMON.word()))
            throw new IllegalArgumentException("run() takes a verb, not daemon");
        StringWriter err = new StringWriter();
        String[] args = words.toArray(String[]::new);
        Optional<Experiment> experiment = ExperimentWords.experiment(runner, args, new PrintWriter(err));
        if (experiment.isEmpty()) {
            String msg = err.toString().trim();
            // the words may be hostile: the message echoes them printable and short, on one line
            throw new IllegalArgumentException(Printable.message(
                    msg.isEmpty()
                            ? "not an experiment: " + command
                            : msg.lines().findFirst().orElse(msg)));
        }
        refuseWithoutTheRight(experiment.get().verb());
        runner.execute(experiment.get());
        if (experiment.get().verb() == Verb.JVM) awaitArmed(experiment.get());
        return experiment.get().id();
    }

    /**
     * How long run(jvm …) waits for its attaches (a cold JVM takes 1-4 s on a loaded node): under the 30 s a JMX
     * client such as the operator CLI waits for an answer.
     */
    static final long JVM_SETTLE_MS = 25_000;

    /**
     * run(jvm …) returns once its faults are armed in every JVM (or its clear or list is done), so a script can go
     * on; a refusal or a failed attach is run()'s error, naming the cause.
     */
    private static void awaitArmed(Experiment e) {
        try {
            if (!e.awaitSettled(JVM_SETTLE_MS))
                throw new IllegalStateException(e.id() + ": not armed after " + JVM_SETTLE_MS / 1000
                        + " s; it goes on attaching until stop(" + e.id() + ")");
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e.id() + ": interrupted while it was attaching; it goes on");
        }
        String error = e.lastError();
        if (error != null) throw new IllegalStateException(Printable.message(e.id() + ": " + error));
    }

    /**
     * The jvm verbs load our code into someone else's process: a remote caller needs the access file's
     * {@code attach} role (without an access file, the generated user has it), not just readwrite.
     */
    static void refuseWithoutTheRight(Verb verb) {
        if (verb != Verb.JVM) return;
        Optional<Role> role = RemoteAccess.callerRole();
        if (role.isPresent() && role.get() != Role.ATTACH)
            throw new SecurityException("run(jvm …) needs the attach role (a line '<user> attach' in the access file); "
                    + "this user has " + role.get().name().toLowerCase(Locale.ROOT));
    }

    /** What run()'s experiments act through: the daemon's runtime and journal; each runs in the background. */
    private final class DaemonRunner implements Runner {
        @Override
        public ContainerRuntime runtime(Runtimes.Flags flags) {
            if (flags.given()) {
                throw new IllegalArgumentException(
                        "--runtime and --runtime-endpoint are the daemon's start-up flags, not run()'s");
            }
            return SidecarControl.this.runtime();
        }

        @Override
        public Journal journal() {
            return journal;
        }

        @Override
        public String who() {
            return "jmx";
        }

        @Override
        public String newId() {
            return "e" + ids.incrementAndGet();
        }

        /** Starts it in the background, listed until {@link #stop} or until it is one of the oldest ended. */
        @Override
        public int execute(Experiment e) {
            synchronized (experiments) {
                experiments.put(e.id(), e);
                forgetOldestEnded();
            }
            pool.submit(e);
            return 0;
        }
    }

    @Override
    public boolean stop(String id) {
        Experiment e;
        synchronized (experiments) {
            e = experiments.remove(id == null ? "" : id.trim());
        }
        if (e == null) return false;
        e.stop();
        finish(e);
        return true;
    }

    /**
     * Signals every experiment first, then waits for them together: on SIGTERM the engine's grace period
     * (10 s by default) must cover all the reverts, not the first one's wait.
     */
    @Override
    public int stopAll() {
        List<Experiment> stopping;
        synchronized (experiments) {
            stopping = new ArrayList<>(experiments.values());
            experiments.clear();
        }
        stopping.forEach(Experiment::stop);
        stopping.forEach(this::finish);
        return stopping.size();
    }

    /** Drops the oldest ended experiments beyond {@link #ENDED_KEPT}, their counts kept in the totals. */
    private void forgetOldestEnded() {
        long ended = experiments.values().stream().filter(x -> !x.running()).count();
        for (var it = experiments.values().iterator(); ended > ENDED_KEPT && it.hasNext(); ) {
            Experiment old = it.next();
            if (old.running()) continue;
            it.remove();
            actionsRun.addAndGet(old.actions());
            containersAffected.addAndGet(old.containersAffected());
            ended--;
        }
    }

    /** Waits for a stopped experiment to end (its reverts done) and adds what it did to the totals. */
    private void finish(Experiment e) {
        awaitEnd(e);
        actionsRun.addAndGet(e.actions());
        containersAffected.addAndGet(e.containersAffected());
    }

    private static void awaitEnd(Experiment e) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (e.running() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public String[] list() {
        List<String> lines = new ArrayList<>();
        synchronized (experiments) {
            forgetOldestEnded();
            for (Experiment e : experiments.values()) {
                lines.add(e.summary());
                for (String found : e.report()) lines.add(e.id() + "  " + found);
            }
        }
        OpenChanges.pendingReverts().forEach(c -> lines.add(c.summary()));
        lines.addAll(JvmSessions.attached());
        return lines.toArray(String[]::new);
    }

    @Override
    public long getRevertFailures() {
        return OpenChanges.failedReverts();
    }

    @Override
    public int getRevertsPending() {
        return OpenChanges.pendingReverts().size();
    }

    @Override
    public long getActionsRun() {
        synchronized (experiments) {
            return experiments.values().stream().mapToLong(Experiment::actions).sum() + actionsRun.get();
        }
    }

    @Override
    public long getContainersAffected() {
        synchronized (experiments) {
            return experiments.values().stream()
                            .mapToLong(Experiment::containersAffected)
                            .sum()
                    + containersAffected.get();
        }
    }

    @Override
    public int getRulesActive() {
        return journal.pending().size();
    }

    @Override
    public int getExperimentsRunning() {
        synchronized (experiments) {
            return (int)
                    experiments.values().stream().filter(Experiment::running).count();
        }
    }

    @Override
    public String getRuntime() {
        try {
            return runtime().describe();
        } catch (RuntimeException e) {
            return "unavailable: " + e.getMessage();
        }
    }

    @Override
    public boolean isNetemAvailable() {
        return NetemPreflight.available();
    }

    /** The CLI's words, split as the agent splits a spec ({@link Tokenizer}). */
    static List<String> words(String command) {
        List<String> out = Tokenizer.words(command == null ? "" : command.trim());
        if (out.isEmpty())
            throw new IllegalArgumentException("empty command: expected e.g. kill --signal SIGKILL re2:^hello");
        return out;
    }
}
