package dev.faultline.sidecar.cli;

import dev.faultline.common.sidecar.Verb;
import dev.faultline.sidecar.experiment.Experiment;
import dev.faultline.sidecar.network.NetnsCommand;
import dev.faultline.sidecar.targets.ProcessTarget;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * The container verbs' words (what each does is a {@link ContainerEffects} value). A container that went away
 * between selection and action is not an error: the runtimes tolerate it.
 */
final class ContainerVerbs {
    /** The options' defaults, which the plain fast path ({@link PlainContainerCommand}) fills in as picocli does. */
    static final String DEFAULT_SIGNAL = "SIGKILL";

    static final int DEFAULT_TIME = 10;
    static final boolean DEFAULT_FORCE = true;
    /** Pumba's {@code stop --restart} default: stopped for 10 s. */
    static final Duration DEFAULT_STOPPED = Duration.ofSeconds(10);

    private ContainerVerbs() {}

    /**
     * Restart's wait: a duration as Pumba writes it ({@code 3s}, {@code 500ms}: whole seconds, rounded up, as the
     * engine takes them) or plain seconds as the sidecar always took them ({@code 3}).
     */
    static final class Seconds implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) return Integer.parseInt(value);
            Duration d = Durations.parse(value);
            return (int) Math.min(Integer.MAX_VALUE, (d.toMillis() + 999) / 1000);
        }
    }

    /** A verb's {@code --limit}: a whole number, not negative. */
    static final class AtMost implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n;
            try {
                n = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("--limit " + value + ": not a whole number");
            }
            if (n < 0) throw new CommandLine.TypeConversionException("--limit must not be negative, got " + n);
            return n;
        }
    }

    /**
     * The shell's own {@code kill} builtin: every base image has {@code /bin/sh}, not every one has procps'
     * {@code /bin/kill} (Debian minbase does not). The script is constant: the signal and the pid are its
     * arguments, never parsed by the shell.
     */
    static List<String> killArgv(long pid, String sig) {
        return List.of("/bin/sh", "-c", "kill -s \"$1\" \"$2\"", "kill", sig.substring(3), Long.toString(pid));
    }

    /**
     * SIGKILL and SIGTERM straight from this JVM ({@link ProcessHandle#destroyForcibly()} is kill(2) with SIGKILL on
     * Linux, and it refuses a pid reused since it was looked up); other signals through the shell's builtin.
     */
    static void signalPid(long pid, String sig, String what) {
        if (sig.equals("SIGKILL") || sig.equals("SIGTERM")) {
            Optional<ProcessHandle> p = ProcessHandle.of(pid);
            if (p.isPresent()
                    && (sig.equals("SIGKILL")
                            ? p.get().destroyForcibly()
                            : p.get().destroy())) return;
            if (p.isPresent() && !p.get().isAlive()) return; // ended meanwhile: nothing left to signal
            if (p.isEmpty())
                throw new IllegalStateException("cannot signal pid " + pid + " of " + what
                        + ": no such process (is its PID namespace visible? run with --pid host, or share the pod's)");
        }
        NetnsCommand.Result r = NetnsCommand.run(0, killArgv(pid, sig));
        if (!r.ok())
            throw new IllegalStateException("cannot signal pid " + pid + " of " + what
                    + " (is its PID namespace visible? run with --pid host, or share the pod's): " + r.output());
    }

    /** Pod mode: the targets are processes in the PID namespace we share. */
    static Experiment.Action signalProcesses(String sig) {
        return ts -> ts.forEach(t -> {
            if (!(t instanceof ProcessTarget p)) throw new IllegalStateException(t + " is not a process");
            signalPid(p.pid(), sig, p.toString());
        });
    }

    static String signal(String s) {
        String up = s.toUpperCase(Locale.ROOT);
        String name = up.startsWith("SIG") ? up : "SIG" + up;
        if (!List.of(
                        "SIGKILL", "SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGSTOP", "SIGCONT", "SIGUSR1", "SIGUSR2",
                        "SIGABRT")
                .contains(name)) {
            throw new IllegalArgumentException("--signal " + s + ": expected a signal name such as SIGKILL or SIGTERM");
        }
        return name;
    }

    @Command(
            name = Verb.KILL_WORD,
            description = "Send a signal to containers through the Engine API (docker kill).",
            mixinStandardHelpOptions = true)
    static final class Kill extends TargetedCommand {
        @ParentCommand
        SidecarCli cli;

        @Option(
                names = {"--limit", "-l"},
                defaultValue = "0",
                converter = AtMost.class,
                description =
                        "act on at most this many of the matches, chosen at random (Pumba's; 0, the default: all)")
        int limit;

        int atMost() {
            return limit;
        }

        @Option(
                names = {"--signal", "-s"},
                defaultValue = DEFAULT_SIGNAL,
                description = "signal to send (default SIGKILL)")
        String signal;

        SidecarCli cli() {
            return cli;
        }

        Verb verb() {
            return Verb.KILL;
        }

        boolean runningOnly() {
            return true;
        }

        ExperimentPlan.Effect effect() {
            return new ContainerEffects.Kill(signal);
        }
    }

    @Command(
            name = Verb.STOP_WORD,
            description = "Stop containers (SIGTERM, then SIGKILL after --time).",
            mixinStandardHelpOptions = true)
    static final class Stop extends TargetedCommand {
        @ParentCommand
        SidecarCli cli;

        @Option(
                names = {"--limit", "-l"},
                defaultValue = "0",
                converter = AtMost.class,
                description =
                        "act on at most this many of the matches, chosen at random (Pumba's; 0, the default: all)")
        int limit;

        int atMost() {
            return limit;
        }

        @Option(
                names = {"--time", "-t"},
                defaultValue = "" + DEFAULT_TIME,
                description = "seconds to wait before killing (default 10)")
        int time;

        @Option(
                names = {"--restart", "-r"},
                description = "start the stopped containers again after --duration (Pumba's)")
        boolean restart;

        @Option(
                names = {Verb.DURATION, Verb.DURATION_SHORT},
                converter = SidecarCli.DurationConverter.class,
                description = "with --restart: how long they stay stopped (Pumba's; default 10s)")
        Duration duration;

        SidecarCli cli() {
            return cli;
        }

        Verb verb() {
            return Verb.STOP;
        }

        boolean runningOnly() {
            return true;
        }

        ExperimentPlan.Effect effect() {
            if (restart) return new ContainerEffects.StopRestart(time, duration == null ? DEFAULT_STOPPED : duration);
            return new ContainerEffects.Stop(time);
        }
    }

    @Command(
            name = Verb.PAUSE_WORD,
            description = "Pause containers for --duration, then unpause them.",
            mixinStandardHelpOptions = true)
    static final class Pause extends TargetedCommand {
        @ParentCommand
        SidecarCli cli;

        @Option(
                names = {"--limit", "-l"},
                defaultValue = "0",
                converter = AtMost.class,
                description =
                        "act on at most this many of the matches, chosen at random (Pumba's; 0, the default: all)")
        int limit;

        int atMost() {
            return limit;
        }

        @Option(
                names = {Verb.DURATION, Verb.DURATION_SHORT},
                converter = SidecarCli.DurationConverter.class,
                description = "how long (e.g. 30s; required)")
        Duration duration;

        SidecarCli cli() {
            return cli;
        }

        Verb verb() {
            return Verb.PAUSE;
        }

        boolean runningOnly() {
            return true;
        }

        ExperimentPlan.Effect effect() {
            return new ContainerEffects.Pause(Durations.required(duration));
        }
    }

    /**
     * Restarts running containers; a stopped one is left stopped, as Pumba leaves it (its restart lists running
     * containers only).
     */
    @Command(
            name = Verb.RESTART_WORD,
            description = "Restart running containers (a stopped one stays stopped).",
            mixinStandardHelpOptions = true)
    static final class Restart extends TargetedCommand {
        @ParentCommand
        SidecarCli cli;

        @Option(
                names = {"--limit", "-l"},
                defaultValue = "0",
                converter = AtMost.class,
                description =
                        "act on at most this many of the matches, chosen at random (Pumba's; 0, the default: all)")
        int limit;

        int atMost() {
            return limit;
        }

        @Option(
                names = {"--timeout", "--time", "-t"},
                defaultValue = "" + DEFAULT_TIME,
                converter = Seconds.class,
                description = "how long to wait for a stop before killing: a duration (Pumba's --timeout 3s) or "
                        + "seconds (--time 3); default 10s")
        int time;

        SidecarCli cli() {
            return cli;
        }

        Verb verb() {
            return Verb.RESTART;
        }

        boolean runningOnly() {
            return true;
        }

        ExperimentPlan.Effect effect() {
            return new ContainerEffects.Restart(time);
        }
    }

    @Command(name = Verb.RM_WORD, description = "Remove containers.", mixinStandardHelpOptions = true)
    static final class Remove extends TargetedCommand {
        @ParentCommand
        SidecarCli cli;

        @Option(
                names = {"--limit", "-l"},
                defaultValue = "0",
                converter = AtMost.class,
                description =
                        "act on at most this many of the matches, chosen at random (Pumba's; 0, the default: all)")
        int limit;

        int atMost() {
            return limit;
        }

        @Option(
                names = {"--force", "-f"},
                arity = "0..1",
                defaultValue = "" + DEFAULT_FORCE,
                fallbackValue = "true",
                description = "remove running containers too (default true; --force=false to refuse)")
        boolean force;

        @Option(
                names = {"--volumes", "-v"},
                description = "remove their anonymous volumes too")
        boolean volumes;

        SidecarCli cli() {
            return cli;
        }

        Verb verb() {
            return Verb.RM;
        }

        boolean runningOnly() {
            return false;
        }

        ExperimentPlan.Effect effect() {
            return new ContainerEffects.Remove(force, volumes);
        }
    }

    /**
     * Signals the container's main process directly, from the host PID namespace, the way a crash or the OOM
     * killer ends it. Unlike an Engine-API kill, Docker's restart policy then brings the container back; on CRI,
     * kubelet's restartPolicy does (the pod's RESTARTS goes up).
     */
    @Command(
            name = Verb.CRASH_WORD,
            description =
                    "Signal the container's main process directly (restart policies apply, as after a real crash).",
            mixinStandardHelpOptions = true)
    static final class Crash extends TargetedCommand {
        @ParentCommand
        SidecarCli cli;

        @Option(
                names = {"--signal", "-s"},
                defaultValue = DEFAULT_SIGNAL,
                description = "signal to send (default SIGKILL)")
        String signal;

        SidecarCli cli() {
            return cli;
        }

        Verb verb() {
            return Verb.CRASH;
        }

        boolean runningOnly() {
            return true;
        }

        ExperimentPlan.Effect effect() {
            return new ContainerEffects.Crash(signal);
        }
    }
}
