package dev.faultline.sidecar.experiment;

import dev.faultline.common.sidecar.Verb;
import dev.faultline.sidecar.targets.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A verb on a schedule, Pumba's way: pick the matching containers (one at random with {@code --random}), act,
 * and repeat every {@code --interval} until {@code --limit} ticks or a stop. Every action is one structured
 * log line: who asked, what, which containers. A tick that finds nothing is no error (Pumba's meaning): it logs
 * {@value #NOTHING_FOUND} and the schedule goes on, so a target that is down at one tick is hit at the next one that
 * finds it running. It counts toward {@code --limit}: the last tick comes when a lease expects it.
 */
public final class Experiment implements Runnable {
    /** What one tick does to the containers chosen; may block (a duration) and must revert when interrupted. */
    public interface Action {
        void act(List<? extends Target> targets) throws InterruptedException;
    }

    private static final Logger log = LoggerFactory.getLogger("faultline.action");

    /** The experiment whose action runs on this thread, for {@link #report}. */
    private static final ThreadLocal<Experiment> RUNNING = new ThreadLocal<>();

    /** At most this many report lines are kept per experiment (list() shows them). */
    static final int REPORT_KEPT = 1000;

    /** Pumba's words for a tick whose selection is empty (its runner.go logs them as a warning). */
    public static final String NOTHING_FOUND = "no containers found";

    private final String id;
    private final Verb verb;
    private final String describe;
    private final String who;
    /** Dropped once the experiment ends: they hold the parsed command line, ~50 KB a run() that list() keeps. */
    private Supplier<List<? extends Target>> targets;

    private Action action;
    private final boolean random;
    private final Duration interval;
    private final int limit;
    private final boolean dryRun;
    private final Instant started = Instant.now();
    private volatile Thread thread;
    private volatile boolean stopped;
    private volatile int actions;
    private volatile int ticks;
    private volatile boolean lastFoundNothing;
    private volatile long containersAffected;
    private volatile String lastError;
    private final List<String> report = new CopyOnWriteArrayList<>();
    /** Open once the action's change is in force (a jvm fault armed) or the experiment has ended. */
    private final CountDownLatch settled = new CountDownLatch(1);

    public Experiment(
            String id,
            Verb verb,
            String describe,
            String who,
            Supplier<List<? extends Target>> targets,
            Action action,
            boolean random,
            Duration interval,
            int limit,
            boolean dryRun) {
        this.id = id;
        this.verb = verb;
        this.describe = describe;
        this.who = who;
        this.targets = targets;
        this.action = action;
        this.random = random;
        this.interval = interval;
        this.limit = limit;
        this.dryRun = dryRun;
    }

    public String id() {
        return id;
    }

    public Verb verb() {
        return verb;
    }

    public int actions() {
        return actions;
    }

    public long containersAffected() {
        return containersAffected;
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        RUNNING.set(this);
        Supplier<List<? extends Target>> targets = this.targets;
        Action action = this.action;
        try {
            while (!stopped) {
                List<? extends Target> all = targets.get();
                ticks++;
                lastFoundNothing = all.isEmpty();
                if (all.isEmpty()) {
                    log.warn(
                            "action={} experiment={} by={} {} command=\"{}\"",
                            verb.word(),
                            id,
                            who,
                            NOTHING_FOUND,
                            describe);
                    if (interval == null || (limit > 0 && ticks >= limit)) break;
                    Thread.sleep(interval.toMillis());
                    continue;
                }
                List<? extends Target> chosen =
                        random ? List.of(all.get(ThreadLocalRandom.current().nextInt(all.size()))) : all;
                log.info(
                        "action={} experiment={} by={} containers={} dry_run={} command=\"{}\"",
                        verb.word(),
                        id,
                        who,
                        chosen,
                        dryRun,
                        describe);
                actions++; // counted as started: a netem tick holds for its whole duration
                if (!dryRun) {
                    containersAffected += chosen.size();
                    action.act(chosen);
                }
                if (interval == null || (limit > 0 && ticks >= limit)) break;
                Thread.sleep(interval.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            lastError = e.getMessage();
            log.error("action={} experiment={} by={} failed: {}", verb.word(), id, who, e.getMessage());
            throw e;
        } finally {
            settled.countDown();
            RUNNING.remove();
            this.targets = null;
            this.action = null;
            thread = null;
        }
    }

    /** Ends the schedule; an action holding a duration is interrupted and reverts before returning. */
    public void stop() {
        stopped = true;
        Thread t = thread;
        if (t != null) t.interrupt();
    }

    /**
     * A line of what the running experiment found (e.g. {@code jvm list}'s JVMs), kept for {@code list()} and
     * logged; returns whether an experiment runs on this thread to keep it.
     */
    public static boolean report(String line) {
        Experiment e = RUNNING.get();
        if (e == null) return false;
        if (e.report.size() < REPORT_KEPT) e.report.add(line);
        log.info("action={} experiment={} by={} found=\"{}\"", e.verb.word(), e.id, e.who, line);
        return true;
    }

    /** Called by the running action once its change is in force: a caller waiting in {@link #awaitSettled} goes on. */
    public static void settled() {
        Experiment e = RUNNING.get();
        if (e != null) e.settled.countDown();
    }

    /** Whether the action's change is in force, or the experiment has ended, within {@code millis}. */
    public boolean awaitSettled(long millis) throws InterruptedException {
        return settled.await(millis, TimeUnit.MILLISECONDS);
    }

    /** What the experiment reported, in order. */
    public List<String> report() {
        return List.copyOf(report);
    }

    public boolean running() {
        return thread != null;
    }

    public String lastError() {
        return lastError;
    }

    public String summary() {
        return id + "  " + (running() ? "running" : "ended") + "  actions=" + actions + "  since=" + started + "  "
                + describe + (lastFoundNothing ? "  " + NOTHING_FOUND : "")
                + (lastError != null ? "  error=" + lastError : "");
    }
}
