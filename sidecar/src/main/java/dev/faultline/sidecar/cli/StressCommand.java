package dev.faultline.sidecar.cli;

import dev.faultline.common.sidecar.Verb;
import dev.faultline.sidecar.experiment.Experiment;
import dev.faultline.sidecar.runtime.ContainerRuntime;
import dev.faultline.sidecar.stress.ContainerCgroups;
import dev.faultline.sidecar.stress.StressChange;
import dev.faultline.sidecar.targets.ContainerTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * Pumba's {@code stress --duration D --stressors "--cpu 1"}: stress-ng in each target's cgroups for the duration.
 * Unlike Pumba, no image is pulled or run: the sidecar runs the node's stress-ng (Debian's, in its image) and moves
 * it into the target's cgroups before it starts, as Pumba's {@code --inject-cgroup} does. Its image words are
 * accepted and logged as not needed.
 */
@Command(
        name = Verb.STRESS_WORD,
        description = "Run stress-ng in containers' cgroups for --duration (no image: the node's stress-ng).",
        mixinStandardHelpOptions = true)
final class StressCommand extends TargetedCommand {
    private static final Logger log = LoggerFactory.getLogger("faultline.action");

    /** Pumba's default stressors. */
    static final String DEFAULT_STRESSORS = "--cpu 4 --timeout 60s";

    @ParentCommand
    SidecarCli cli;

    @Option(
            names = {Verb.DURATION, Verb.DURATION_SHORT},
            converter = SidecarCli.DurationConverter.class,
            description = "how long (e.g. 20s; required)")
    Duration duration;

    @Option(
            names = "--stressors",
            defaultValue = DEFAULT_STRESSORS,
            description = "stress-ng's options (default \"" + DEFAULT_STRESSORS + "\"); a --timeout longer than"
                    + " --duration is cut to it")
    String stressors;

    @Option(
            names = {"--limit", "-l"},
            defaultValue = "0",
            converter = ContainerVerbs.AtMost.class,
            description = "act on at most this many of the matches, chosen at random (Pumba's; 0, the default: all)")
    int limit;

    @Option(names = "--stress-image", description = "accepted for Pumba's scripts; not needed: no image is run")
    String image;

    @Option(names = "--pull-image", description = "accepted for Pumba's scripts; nothing is pulled")
    boolean pull;

    @Option(
            names = "--inject-cgroup",
            description = "accepted for Pumba's scripts; stress-ng always runs in the target's cgroups")
    boolean injectCgroup;

    int atMost() {
        return limit;
    }

    SidecarCli cli() {
        return cli;
    }

    Verb verb() {
        return Verb.STRESS;
    }

    boolean runningOnly() {
        return true;
    }

    ExperimentPlan.Effect effect() {
        if (image != null || pull)
            log.info("action=stress note=\"--stress-image/--pull-image ignored: the node's stress-ng runs, no image\"");
        return new Stress(Durations.required(duration), stressors);
    }

    /**
     * stress-ng's argv: the stressors split at white space, their own {@code --timeout}/{@code -t} replaced by the
     * shorter of it and the duration (whole seconds, rounded up), so that stress-ng ends by itself at the latest then.
     */
    static List<String> stressNgArgv(String stressNg, String stressors, Duration duration) {
        List<String> words = new ArrayList<>();
        for (String w : stressors.strip().split("\\s+")) if (!w.isEmpty()) words.add(w);
        checkAllowed(words);
        long seconds = Math.max(1, (duration.toMillis() + 999) / 1000);
        List<String> out = new ArrayList<>(List.of(stressNg));
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            String value = null;
            if ((w.equals("--timeout") || w.equals("-t")) && i + 1 < words.size()) value = words.get(++i);
            else if (w.startsWith("--timeout=")) value = w.substring("--timeout=".length());
            if (value != null) {
                seconds = Math.min(seconds, timeoutSeconds(value));
                continue;
            }
            out.add(w);
        }
        if (out.size() == 1) throw new IllegalArgumentException("--stressors names no stressor: '" + stressors + "'");
        out.add("--timeout");
        out.add(seconds + "s");
        return out;
    }

    /**
     * stress-ng's options that load CPU, memory and the scheduler, and write nothing: it runs as root on the node and
     * its words may arrive over JMX, so an option that names a path ({@code --log-file}, {@code --temp-path},
     * {@code --job}, {@code --yaml}), writes files ({@code --hdd}, {@code --iomix}) or changes the node
     * ({@code --sched}, {@code --ionice-class}) is refused. The value says whether the option takes a value.
     */
    private static final Map<String, Boolean> ALLOWED = allowed();

    private static Map<String, Boolean> allowed() {
        Map<String, Boolean> m = new HashMap<>();
        for (String stressor : List.of(
                "cpu", "vm", "matrix", "io", "memcpy", "malloc", "stream", "cache", "switch", "pipe", "fork", "yield",
                "timer", "bsearch", "qsort", "hash", "crypt", "zlib")) {
            m.put("--" + stressor, true);
            m.put("--" + stressor + "-ops", true);
        }
        for (String valued : List.of(
                "--cpu-load",
                "--cpu-load-slice",
                "--cpu-method",
                "--vm-bytes",
                "--vm-method",
                "--vm-hang",
                "--matrix-size",
                "--matrix-method",
                "--malloc-bytes",
                "--malloc-max",
                "--stream-index",
                "--fork-max",
                "--timer-freq",
                "--taskset",
                "--backoff",
                "--timeout",
                "-c",
                "-m",
                "-i",
                "-t")) m.put(valued, true);
        for (String flag : List.of(
                "--vm-keep",
                "--vm-populate",
                "--metrics",
                "--metrics-brief",
                "--times",
                "--aggressive",
                "--verify",
                "-q",
                "--quiet",
                "-v",
                "--verbose")) m.put(flag, false);
        return Map.copyOf(m);
    }

    /** Values are numbers, sizes, percentages and method names: never a path or another option. */
    private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.%_,-]*");

    private static void checkAllowed(List<String> words) {
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            int eq = w.indexOf('=');
            String option = w.startsWith("--") && eq > 0 ? w.substring(0, eq) : w;
            Boolean takesValue = ALLOWED.get(option);
            if (takesValue == null) {
                throw new IllegalArgumentException("--stressors: stress-ng's " + option + " is not allowed (it runs "
                        + "as root on the node: only CPU, memory and scheduler stressors, their counts, sizes and "
                        + "methods, --timeout and --metrics-brief; nothing that names a path or writes files)");
            }
            if (!takesValue) {
                if (eq > 0) throw new IllegalArgumentException("--stressors: " + option + " takes no value");
                continue;
            }
            String value = eq > 0 ? w.substring(eq + 1) : i + 1 < words.size() ? words.get(++i) : null;
            if (value == null || !VALUE.matcher(value).matches()) {
                throw new IllegalArgumentException(
                        "--stressors: " + option + " needs a value (a number, size or name), not '" + value + "'");
            }
        }
    }

    /** stress-ng's own timeout words: plain seconds, or with s, m, h, d. */
    static long timeoutSeconds(String v) {
        if (!v.isEmpty() && v.chars().allMatch(Character::isDigit)) return Long.parseLong(v);
        if (v.matches("[0-9]+d")) return Long.parseLong(v.substring(0, v.length() - 1)) * 86_400;
        try {
            return Math.max(1, (Durations.parse(v).toMillis() + 999) / 1000);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--stressors: stress-ng --timeout " + v + ": not a duration", e);
        }
    }

    /** Journalled and guarded like a pause: stress-ng ends at the duration, on stop, and when the sidecar dies. */
    record Stress(Duration duration, String stressors) implements ExperimentPlan.Effect {
        public String describe() {
            return Verb.STRESS.word() + " --duration " + duration.toMillis() + "ms --stressors \"" + stressors + "\"";
        }

        public Experiment.Action action(Runner c, Supplier<ContainerRuntime> runtime, boolean pod) {
            stressNgArgv("stress-ng", stressors, duration); // bad stressors are refused now, before any target
            return ts -> {
                List<String> stressNg = stressNgArgv(StressChange.stressNgPath(), stressors, duration);
                List<StressChange> running = new ArrayList<>();
                try {
                    for (ContainerTarget t : TargetedCommand.containers(ts)) {
                        long pid = runtime.get().hostPid(t);
                        if (pid <= 0) continue; // stopped meanwhile
                        ContainerCgroups cgroups = ContainerCgroups.of(pid);
                        // Pumba's debug words for this step: its Podman runtime's, else its containerd runtime's
                        log.debug(
                                "action=stress container={} pid={} cgroups=\"{}\" msg=\"{}\"",
                                t,
                                pid,
                                cgroups,
                                "podman".equals(runtime.get().kind())
                                        ? "resolved podman target cgroup"
                                        : "resolved target cgroup for stress sidecar");
                        StressChange s =
                                new StressChange(c.newId() + "-" + t.shortId(), t, cgroups, stressNg, c.journal());
                        s.apply(duration);
                        running.add(s);
                    }
                    // as Pumba: done when stress-ng ends (its own --timeout may be shorter), at the latest at the
                    // duration
                    long end = System.nanoTime() + duration.toNanos();
                    for (StressChange s : running) {
                        if (s.awaitEnd(Duration.ofNanos(end - System.nanoTime())))
                            log.debug("action=stress change={} msg=\"stress-ng completed\"", s.id());
                    }
                    long left = end - System.nanoTime();
                    if (running.isEmpty() && left > 0) Thread.sleep(left / 1_000_000);
                } finally { // also on stop and SIGTERM: no stress-ng is left
                    NetworkShaping.revertAll(running);
                }
            };
        }
    }
}
