package dev.faultline.sidecar.network;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs {@code tc}, {@code ip} and {@code iptables} in one target's network namespace: by {@code nsenter} when the
 * sidecar sees host PIDs (the fast path), else through a short-lived helper container joined to the target's
 * network ({@link dev.faultline.sidecar.runtime.docker.HelperContainer}). This is how a change reaches its target;
 * {@link NetnsCommand} runs one command as one process, {@link NetnsShell} keeps one shell open for many.
 */
public interface NetnsExecutor {
    NetnsCommand.Result run(List<String> argv);

    /**
     * Starts a process outside the JVM that runs {@code revert} after {@code after}, even if the sidecar is gone.
     * @return how to cancel it (the revert then happens through {@link #run}), never null
     */
    Runnable watchdog(String changeId, Duration after, List<List<String>> revert);

    /** How it reaches the namespace, for the action log: {@code nsenter} or {@code helper}. */
    String how();

    /**
     * The namespace this executor reaches is gone (its process ended, or its PID now belongs to another process):
     * nothing of a change is left in it. Throws when that cannot be known (the engine does not answer).
     */
    boolean namespaceGone();

    /**
     * The {@code revert} commands whatever their outcome, then the {@code verify} checks up to the first that fails
     * ({@link Batch#revertThenCheck}): by default one process for all of them (one nsenter, or one helper container).
     */
    default NetnsCommand.Result revertThenCheck(List<List<String>> revert, List<List<String>> verify) {
        return run(Batch.revertThenCheck(revert, verify));
    }

    /** The checks up to the first that fails ({@link Batch#check}). */
    default NetnsCommand.Result checkAll(List<List<String>> verify) {
        return revertThenCheck(List.of(), verify);
    }

    /** Ends what it keeps open for the change (the nsenter shell); a later {@link #run} opens it again. */
    default void close() {}

    /** Runs and fails with a message that names the missing kernel piece where tc says so. */
    default String check(List<String> argv) {
        return NetnsCommand.checked(run(argv), argv);
    }

    /** A namespace that is gone already (its container stopped or removed): nothing to run, nothing left. */
    static NetnsExecutor gone() {
        return new NetnsExecutor() {
            public NetnsCommand.Result run(List<String> argv) {
                return new NetnsCommand.Result(-1, "the target's network namespace is gone");
            }

            public Runnable watchdog(String changeId, Duration after, List<List<String>> revert) {
                return () -> {};
            }

            public String how() {
                return "none";
            }

            public boolean namespaceGone() {
                return true;
            }
        };
    }

    /**
     * {@code nsenter -t PID -n}, one {@link NetnsShell} kept open from the first command to {@link #close()}; pid 0 =
     * our own namespace (pod mode), a process per command.
     */
    static NetnsExecutor nsenter(long pid) {
        Optional<Instant> started = pid <= 0
                ? Optional.empty()
                : ProcessHandle.of(pid).flatMap(p -> p.info().startInstant());
        NetnsShell shell = pid <= 0 ? null : new NetnsShell(pid);
        return new NetnsExecutor() {
            public boolean namespaceGone() {
                if (pid <= 0) return false; // our own
                return ProcessHandle.of(pid)
                        .filter(ProcessHandle::isAlive)
                        .map(p -> !p.info().startInstant().equals(started))
                        .orElse(true);
            }

            public NetnsCommand.Result run(List<String> argv) {
                return shell == null ? NetnsCommand.run(pid, argv) : shell.run(argv);
            }

            public NetnsCommand.Result revertThenCheck(List<List<String>> revert, List<List<String>> verify) {
                return shell == null ? run(Batch.revertThenCheck(revert, verify)) : shell.runAll(revert, verify);
            }

            public void close() {
                if (shell != null) shell.close();
            }

            /** A detached process in its own session: survives a SIGKILL of the sidecar. */
            public Runnable watchdog(String changeId, Duration after, List<List<String>> revert) {
                List<String> cmd = new ArrayList<>(List.of("setsid"));
                cmd.addAll(NetnsCommand.inNamespace(pid, Watchdogs.argv(changeId, after, revert)));
                try {
                    Process p = new ProcessBuilder(cmd)
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .start();
                    return () -> Watchdogs.stop(p.toHandle());
                } catch (IOException e) {
                    return () -> {}; // the JVM's own timer and the journal still revert it
                }
            }

            public String how() {
                return "nsenter";
            }
        };
    }
}
