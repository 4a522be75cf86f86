package dev.faultline.cli.experiment;

import dev.faultline.cli.command.FaultlineAction;
import dev.faultline.cli.fleet.Answer;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs an experiment: the hypothesis before, during (every {@code frequency}) and after the method as the strategy
 * says; a deviation with {@code --fail-fast}, or a signal, stops the method at once; rollbacks as the rollback
 * strategy says; then everything the run armed is removed. Returns a Chaos Toolkit journal.
 */
final class Runner {
    private final Map<?, ?> experiment;
    private final RunSettings settings;
    private final PrintWriter log;
    private final ActivityRunner activities;
    private final Instant deadline;
    private final CountDownLatch abort = new CountDownLatch(1);
    private volatile String abortedBy;
    private volatile boolean deviated;
    private volatile Instant firstDeviation;

    Runner(Map<?, ?> experiment, RunSettings settings, Function<String, String> env, PrintWriter log) {
        this.experiment = experiment;
        this.settings = settings;
        this.log = log;
        this.deadline = Instant.now().plus(plan());
        this.activities =
                new ActivityRunner(Substitution.values(experiment, env), settings.activityTimeout(), this::lease);
    }

    /** An upper bound of the whole run: every pause, every activity's timeout (or the default bound), every probe. */
    Duration plan() {
        Duration d = Duration.ZERO;
        for (Map<?, ?> a : list("method")) d = d.plus(cost(a));
        for (Map<?, ?> a : list("rollbacks")) d = d.plus(cost(a));
        for (Map<?, ?> p : probes()) {
            Duration probe = cost(p);
            if (ProbeTolerance.is(p.get("tolerance"))) probe = probe.plus(cost((Map<?, ?>) p.get("tolerance")));
            d = d.plus(probe.multipliedBy(2));
        }
        return d;
    }

    /** What a fault armed now may live: the rest of the planned run plus the margin. */
    Duration lease() {
        Duration rest = Duration.between(Instant.now(), deadline);
        return (rest.isNegative() ? Duration.ZERO : rest).plus(settings.leaseMargin());
    }

    /** Stops the method at once (a signal); rollbacks and clean-up still run. */
    void interrupt(String why) {
        abortedBy = why;
        abort.countDown();
    }

    Map<String, Object> run() {
        Map<String, Object> journal = new LinkedHashMap<>();
        journal.put("chaoslib-version", null);
        journal.put("platform", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        journal.put("node", hostName());
        journal.put("experiment", experiment);
        Instant start = Instant.now();
        journal.put("start", start.toString());
        Map<String, Object> steady = new LinkedHashMap<>();
        steady.put("before", null);
        steady.put("after", null);
        List<Object> during = new CopyOnWriteArrayList<>();
        steady.put("during", during);
        journal.put("steady_states", steady);
        List<Object> run = new ArrayList<>();
        journal.put("run", run);
        String status = "completed";
        boolean methodRan = false;
        if (settings.before()) {
            Map<String, Object> before = hypothesis("before");
            steady.put("before", before);
            if (!Boolean.TRUE.equals(before.get("steady_state_met"))) status = "failed";
        }
        if (status.equals("completed") && abortedBy == null) {
            methodRan = true;
            CountDownLatch methodDone = new CountDownLatch(1);
            Thread watcher = settings.during() ? watch(during, methodDone) : null;
            method(run);
            methodDone.countDown();
            if (watcher != null) {
                // a probe in flight finishes (interrupting it would fail it: a false deviation), and the hypothesis
                // after the method never overlaps one during it
                try {
                    watcher.join(cost(Map.of())
                            .multipliedBy(Math.max(1, probes().size()))
                            .plusSeconds(1)
                            .toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (methodRan && abortedBy == null && settings.after()) {
            Map<String, Object> after = hypothesis("after");
            steady.put("after", after);
            if (!Boolean.TRUE.equals(after.get("steady_state_met"))) deviated = true;
        }
        if (abortedBy != null) status = abortedBy.startsWith("signal") ? "interrupted" : "aborted";
        else if (deviated) status = "failed";
        journal.put("rollbacks", rollbacks(methodRan) ? rollbacks() : List.of());
        journal.put("cleanup", cleanup());
        journal.put("status", status);
        journal.put("deviated", deviated);
        if (abortedBy != null) journal.put("aborted_by", abortedBy);
        if (firstDeviation != null) journal.put("first_deviation", firstDeviation.toString());
        Instant end = Instant.now();
        journal.put("end", end.toString());
        journal.put("duration", Duration.between(start, end).toMillis() / 1000.0);
        return journal;
    }

    private boolean rollbacks(boolean methodRan) {
        return switch (settings.rollbackStrategy()) {
            case "always" -> true;
            case "never" -> false;
            case "deviated" -> deviated;
            default -> methodRan; // default: unless the method never started (the hypothesis failed before it)
        };
    }

    private void method(List<Object> run) {
        List<Thread> background = new ArrayList<>();
        for (Map<?, ?> a : list("method")) {
            Map<?, ?> activity = resolve(a);
            if (pause(activity, "before")) break;
            if (Boolean.TRUE.equals(activity.get("background"))) {
                Thread t = new Thread(() -> run.add(activities.run(activity)), "faultline-background");
                t.setDaemon(true);
                t.start();
                background.add(t);
            } else {
                Map<String, Object> r = activities.run(activity);
                synchronized (run) {
                    run.add(r);
                }
                log.println("  " + activity.get("type") + " " + activity.get("name") + ": " + r.get("status"));
                log.flush();
            }
            if (abortedBy != null || pause(activity, "after")) break;
        }
        for (Thread t : background) {
            try {
                t.join(abortedBy != null ? 1 : settings.activityTimeout().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Sleeps a pause; true when the run was aborted meanwhile. */
    private boolean pause(Map<?, ?> activity, String which) {
        if (activity.get("pauses") instanceof Map<?, ?> p && p.get(which) instanceof Number n) {
            try {
                return abort.await((long) (n.doubleValue() * 1000), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }
        return abortedBy != null;
    }

    private Thread watch(List<Object> during, CountDownLatch methodDone) {
        Thread t = new Thread(
                () -> {
                    while (abortedBy == null) {
                        try {
                            if (methodDone.await(settings.frequency().toMillis(), TimeUnit.MILLISECONDS)
                                    || abortedBy != null) return;
                        } catch (InterruptedException e) {
                            return;
                        }
                        Map<String, Object> h = hypothesis("during");
                        during.add(h);
                        if (!Boolean.TRUE.equals(h.get("steady_state_met"))) {
                            if (firstDeviation == null) firstDeviation = Instant.now();
                            deviated = true;
                            if (settings.failFast() && abortedBy == null) {
                                log.println("  hypothesis deviated during the method: aborting (--fail-fast)");
                                log.flush();
                                interrupt("deviation during the method (--fail-fast)");
                            }
                        }
                    }
                },
                "faultline-hypothesis");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private Map<String, Object> hypothesis(String phase) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("steady_state_met", true);
        List<Object> probes = new ArrayList<>();
        for (Map<?, ?> p : probes()) {
            Map<?, ?> probe = resolve(p);
            Map<String, Object> r = activities.run(probe);
            boolean met;
            Object tolerance = probe.get("tolerance");
            try {
                if (!"succeeded".equals(r.get("status"))) {
                    met = false;
                } else if (ProbeTolerance.is(tolerance)) {
                    Map<String, Object> judged = activities.runTolerance((Map<?, ?>) tolerance, r.get("output"));
                    r.put("tolerance_run", judged); // Faultline's: what the tolerance's own provider answered
                    met = ProbeTolerance.passed(Provider.of(((Map<?, ?>) tolerance).get("provider")), judged);
                } else {
                    met = ToleranceCheck.met(tolerance, Provider.of(probe.get("provider")), r.get("output"));
                }
            } catch (RuntimeException e) {
                met = false;
                r.put("exception", List.of(e.getMessage()));
            }
            r.put("tolerance_met", met);
            probes.add(r);
            if (!met) h.put("steady_state_met", false);
        }
        h.put("probes", probes);
        log.println(
                "  hypothesis " + phase + ": " + (Boolean.TRUE.equals(h.get("steady_state_met")) ? "met" : "NOT met"));
        log.flush();
        return h;
    }

    private List<Object> rollbacks() {
        List<Object> out = new ArrayList<>();
        for (Map<?, ?> a : list("rollbacks")) {
            Map<?, ?> activity = resolve(a);
            Map<String, Object> r = activities.run(activity);
            out.add(r);
            log.println("  rollback " + activity.get("name") + ": " + r.get("status"));
        }
        log.flush();
        return out;
    }

    /** Removes every fault and stops every sidecar experiment the run armed; a lease expired or a rollback's halt is no failure. */
    private List<Object> cleanup() {
        List<Object> out = new ArrayList<>();
        for (FaultlineAction.Armed a : activities.armed) {
            Answer answer = a.undo();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("target", a.target().toString());
            m.put("id", a.id());
            m.put("removed", answer.confirmed());
            m.put("at", Instant.now().toString());
            if (!answer.confirmed()) m.put("note", answer.error());
            out.add(m);
        }
        if (!out.isEmpty()) log.println("  clean-up: " + out.size() + " armed by this run, undone where still there");
        log.flush();
        return out;
    }

    private Map<?, ?> resolve(Map<?, ?> a) {
        if (!(a.get("ref") instanceof String name)) return a;
        for (String section : List.of("method", "rollbacks"))
            for (Map<?, ?> x : list(section)) if (name.equals(x.get("name"))) return x;
        for (Map<?, ?> x : probes()) if (name.equals(x.get("name"))) return x;
        throw new IllegalArgumentException("no activity named " + name);
    }

    private Duration cost(Map<?, ?> a) {
        Duration d = ActivityRunner.timeoutOf(a, settings.activityTimeout());
        if (a.get("pauses") instanceof Map<?, ?> p) {
            for (Object v : p.values()) if (v instanceof Number n) d = d.plusMillis((long) (n.doubleValue() * 1000));
        }
        return d;
    }

    @SuppressWarnings("unchecked")
    private List<Map<?, ?>> list(String key) {
        return experiment.get(key) instanceof List<?> l ? (List<Map<?, ?>>) l : List.of();
    }

    @SuppressWarnings("unchecked")
    private List<Map<?, ?>> probes() {
        return experiment.get("steady-state-hypothesis") instanceof Map<?, ?> h && h.get("probes") instanceof List<?> l
                ? (List<Map<?, ?>>) l
                : List.of();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
