package dev.faultline.sidecar.network;

import dev.faultline.common.process.ExternalCommand;
import dev.faultline.common.process.ProcessTree;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One {@code sh -s} kept open in a target's network namespace for the life of a network change: each command is
 * written to its stdin and its output read back up to a sentinel line carrying the exit code, so a command costs the
 * fork of that command only, not a new process to enter the namespace. Every word is single-quoted ({@link #quote}):
 * the shell sees each as one literal argument, never as code. The shell is reached through a {@link Channel}:
 * {@code nsenter -t PID -n -- sh -s} here, or the stdin of a helper container joined to the target's network
 * (runtime/docker). Either way its stdin is held by the JVM: when the sidecar dies, even by SIGKILL, it closes and the
 * shell ends (its command-line mark {@link #MARK} lets tests find it).
 */
public final class NetnsShell implements AutoCloseable {
    public static final String MARK = "faultline-netns-shell";
    private static final ScheduledThreadPoolExecutor GUARD = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "netns-shell-timeout");
        t.setDaemon(true);
        return t;
    });

    static {
        GUARD.setRemoveOnCancelPolicy(true); // a command answered in time leaves nothing queued
    }

    /** A running {@code sh -s}: its stdin, its output (stderr with stdout), and how to end it. */
    public interface Channel {
        OutputStream stdin();

        InputStream output();

        boolean alive();

        /** Ends it at once, with whatever runs in it (a command stuck past its deadline). */
        void kill();

        /** Ends its stdin, so the shell ends; waits up to 2 s for that, then kills it. */
        void close();
    }

    /** Starts the shell; called for the first command, and again after one died. */
    public interface Opener {
        Channel open() throws IOException;
    }

    private final String name;
    private final Opener opener;
    private final String sentinel =
            "faultline-done-" + UUID.randomUUID(); // unguessable: no output can end a reply early
    private Channel shell;
    private OutputStream in;
    private BufferedReader out;

    /** {@code nsenter -t pid -n -- sh -s}. */
    NetnsShell(long pid) {
        this("pid " + pid, processOpener(pid));
    }

    /** @param name how failures name it, e.g. {@code pid 4711} */
    public NetnsShell(String name, Opener opener) {
        this.name = name;
        this.opener = opener;
    }

    private static Opener processOpener(long pid) {
        if (pid <= 0) throw new IllegalArgumentException("a netns shell needs a target pid, not " + pid);
        return () -> processChannel(
                new ProcessBuilder(argv(pid)).redirectErrorStream(true).start());
    }

    private static Channel processChannel(Process p) {
        return new Channel() {
            public OutputStream stdin() {
                return p.getOutputStream();
            }

            public InputStream output() {
                return p.getInputStream();
            }

            public boolean alive() {
                return p.isAlive();
            }

            public void kill() {
                ProcessTree.kill(p.toHandle());
            }

            public void close() {
                try {
                    p.getOutputStream().close();
                } catch (IOException ignored) {
                    // it is gone already
                }
                try {
                    if (!p.waitFor(2, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    /** The argv that starts the shell: {@code sh -s MARK PID} reads its commands from stdin. */
    static List<String> argv(long pid) {
        return List.of("nsenter", "-t", Long.toString(pid), "-n", "--", "sh", "-s", MARK, Long.toString(pid));
    }

    /** One word for sh: in single quotes nothing is special but the quote itself, which is closed, escaped, reopened. */
    static String quote(String word) {
        if (word.indexOf('\0') >= 0) throw new IllegalArgumentException("a NUL byte in a command word");
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /**
     * The line written for one command: stdin from /dev/null (it must not eat the shell's), stderr with stdout. A
     * {@code sh -c SCRIPT NAME ARG…} (the plans' checks) runs in a subshell of this one, its arguments set and its
     * constant script evaluated as {@code sh -c} would: a fork, no exec of another shell.
     */
    String line(List<String> argv) {
        if (argv.isEmpty()) throw new IllegalArgumentException("an empty command");
        StringBuilder b = new StringBuilder();
        if (argv.size() >= 3 && argv.get(0).equals("sh") && argv.get(1).equals("-c")) {
            b.append("( set --");
            for (String w : argv.subList(Math.min(4, argv.size()), argv.size()))
                b.append(' ').append(quote(w));
            b.append("; eval ").append(quote(argv.get(2))).append(" ) ");
        } else {
            for (String w : argv) b.append(quote(w)).append(' ');
        }
        return b.append("</dev/null 2>&1; printf '\\n%s %d\\n' ")
                .append(sentinel)
                .append(" \"$?\"\n")
                .toString();
    }

    /** Runs one command in the namespace; a shell that died or cannot start gives exit -1 with the reason, as a failed spawn does. */
    public synchronized NetnsCommand.Result run(List<String> argv) {
        return send(line(argv), argv);
    }

    /**
     * Starts {@code argv} in the background of the shell, its stdio on /dev/null, and returns its PID (in the shell's
     * PID namespace), for {@link #stopSpawned}; null when the shell failed. It outlives the shell: a watchdog.
     */
    public synchronized String spawn(List<String> argv) {
        if (argv.isEmpty()) throw new IllegalArgumentException("an empty command");
        StringBuilder b = new StringBuilder();
        for (String w : argv) b.append(quote(w)).append(' ');
        b.append("</dev/null >/dev/null 2>&1 & printf '%s\\n' \"$!\"; printf '\\n%s %d\\n' ")
                .append(sentinel)
                .append(" 0\n");
        NetnsCommand.Result r = send(b.toString(), argv);
        return r.ok() && r.output().matches("[0-9]+") ? r.output() : null;
    }

    /**
     * Ends what {@link #spawn} started: SIGTERM, then waits for it (its trap ends it at once, or once a revert command
     * it runs returns; the command deadline bounds that, and then ends the shell with it).
     */
    public synchronized void stopSpawned(String pid) {
        if (pid == null || !pid.matches("[0-9]+")) throw new IllegalArgumentException("not a PID: " + pid);
        run(List.of("kill", "-TERM", pid));
        run(List.of("wait", pid));
    }

    private NetnsCommand.Result send(String line, List<String> argv) {
        try {
            if (shell == null || !shell.alive()) start();
            in.write(line.getBytes(StandardCharsets.UTF_8));
            in.flush();
            return read(argv);
        } catch (IOException e) {
            close();
            return new NetnsCommand.Result(-1, "the netns shell of " + name + " failed: " + e.getMessage());
        }
    }

    /**
     * {@link Batch#revertThenCheck}'s meaning, one command per request and no batch shell: the {@code quiet} ones
     * whatever their outcome, then the checks up to the first that fails, which gives exit 1 and what it printed (or
     * its words and exit code when it printed nothing); exit 0 when all pass.
     */
    public synchronized NetnsCommand.Result runAll(List<List<String>> quiet, List<List<String>> checks) {
        for (List<String> cmd : quiet) run(cmd);
        for (List<String> cmd : checks) {
            NetnsCommand.Result r = run(cmd);
            if (r.ok()) continue;
            if (r.exitCode() < 0) return r; // the shell itself failed: say so, not a check's words
            return new NetnsCommand.Result(1, r.failure(cmd));
        }
        return new NetnsCommand.Result(0, "");
    }

    private void start() throws IOException {
        shell = opener.open();
        in = shell.stdin();
        out = new BufferedReader(new InputStreamReader(shell.output(), StandardCharsets.UTF_8));
    }

    private NetnsCommand.Result read(List<String> argv) throws IOException {
        StringBuilder text = new StringBuilder();
        String prefix = sentinel + " ";
        Channel p = shell;
        // a blocking read has no timeout: a command stuck past the deadline is killed with its shell, ending the read
        AtomicBoolean killed = new AtomicBoolean();
        ScheduledFuture<?> guard = GUARD.schedule(
                () -> {
                    killed.set(true);
                    p.kill();
                },
                NetnsCommand.DEADLINE.toNanos(),
                TimeUnit.NANOSECONDS);
        try {
            for (String l; (l = out.readLine()) != null; ) {
                if (l.startsWith(prefix))
                    return new NetnsCommand.Result(
                            Integer.parseInt(l.substring(prefix.length()).strip()),
                            text.toString().trim());
                text.append(l).append('\n');
            }
        } finally {
            guard.cancel(false);
        }
        close();
        String said = text.toString().trim();
        if (killed.get()) {
            String cut =
                    ExternalCommand.timeoutMessage(argv, NetnsCommand.DEADLINE) + " with the netns shell of " + name;
            return new NetnsCommand.Result(-1, cut + (said.isEmpty() ? "" : ": " + said));
        }
        return new NetnsCommand.Result(
                -1,
                "the netns shell of " + name + " ended before `" + String.join(" ", argv) + "` returned"
                        + (said.isEmpty() ? "" : ": " + said));
    }

    /** Closes its stdin, so the shell ends; killed if it has not within 2 s. Idempotent; a later {@link #run} starts a new one. */
    @Override
    public synchronized void close() {
        Channel p = shell;
        shell = null;
        if (p != null) p.close();
    }
}
