package dev.faultline.sidecar.jvm;

import dev.faultline.common.jmx.UnixPeer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * HotSpot's attach handshake, done by the sidecar itself (no {@code jdk.attach} in its image), as the JDK's
 * {@code VirtualMachineImpl} on Linux does it: a trigger file {@code .attach_pid<nspid>} in the target's /tmp, one
 * SIGQUIT, then the socket {@code /tmp/.java_pid<nspid>} HotSpot creates, and protocol 1: {@code "1\0<cmd>\0<arg0>\0
 * <arg1>\0<arg2>\0"}, answered by a status line and the command's output. Unlike the JDK's, it signals only a process
 * the preflight passed, creates the trigger without following links and deletes it again, sends nothing until the
 * process that accepted the connection is shown to be the target itself ({@link UnixPeer}), and bounds every step.
 */
public final class HotSpotAttach {
    /** A real {@code properties} reply is 10-20 KB; a target streaming more is refused before it fills the heap. */
    static final int MAX_REPLY = 256 * 1024;
    /** How much of the target's own text a refusal echoes. */
    static final int MAX_ECHO = 200;

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "faultline-attach-deadline");
        t.setDaemon(true);
        return t;
    });

    private final JvmProcess target;
    private final long startTime;

    /**
     * For a process {@link JvmFinder} described: its start time then identifies it at every step; a PID that now
     * belongs to a process started at another time (the JVM exited, its PID was reused) is refused.
     */
    public HotSpotAttach(JvmProcess target) throws AttachRefusedException {
        this.target = target;
        this.startTime = target.startTime();
        requireSameProcess(target);
    }

    /** Refuses when {@code target}'s PID is gone or now belongs to another process than the one described. */
    static void requireSameProcess(JvmProcess target) throws AttachRefusedException {
        long now;
        try {
            now = JvmFinder.startTime(target.hostPid());
        } catch (IOException | RuntimeException e) {
            throw new AttachRefusedException("process " + target.hostPid() + " is gone");
        }
        if (now != target.startTime())
            throw new AttachRefusedException("process " + target.hostPid() + " is not the JVM described (started at "
                    + now + " ticks, not " + target.startTime() + "): its PID was reused; nothing sent to it");
    }

    private String socketName() {
        return ".java_pid" + target.nsPid();
    }

    private Path socketPath() {
        return Path.of("/proc", Long.toString(target.hostPid()), "root", "tmp", socketName());
    }

    /** Whether HotSpot's attach listener is up: its socket, owned by the target's uid, in the target's /tmp. */
    public boolean listening() throws AttachRefusedException {
        try (TargetTmp tmp = TargetTmp.open(target.hostPid())) {
            return listening(tmp);
        } catch (IOException e) {
            throw new AttachRefusedException("cannot read the container's /tmp: " + e);
        }
    }

    private boolean listening(TargetTmp tmp) throws IOException, AttachRefusedException {
        Optional<PosixFileAttributes> s = tmp.entry(socketName());
        if (s.isEmpty()) return false;
        PosixFileAttributes a = s.get();
        if (!a.isOther() || a.isSymbolicLink()) {
            throw new AttachRefusedException("/tmp/" + socketName() + " in the container is not a socket (" + kind(a)
                    + "; planted?): refused; remove it");
        }
        if (!a.owner().equals(TargetTmp.user(target.uid()))) {
            throw new AttachRefusedException("/tmp/" + socketName() + " in the container belongs to " + a.owner()
                    + ", not to the JVM's uid " + target.uid() + ": refused; remove it");
        }
        return true;
    }

    private static String kind(PosixFileAttributes a) {
        return a.isSymbolicLink() ? "a symlink" : a.isDirectory() ? "a directory" : a.isRegularFile() ? "a file" : "?";
    }

    /**
     * Starts the attach listener, unless it is up: creates the trigger (fresh, not following links, left
     * owned by the sidecar's uid), sends one SIGQUIT, waits for the socket until {@code wait} is over, and deletes the trigger in
     * every case. Only for a process the preflight passed: a JVM that catches SIGQUIT.
     */
    public void startListener(Duration wait) throws AttachRefusedException {
        if (!target.attachable()) throw new AttachRefusedException(target.refusal());
        Deadline deadline = Deadline.in(wait, "attach listener start");
        String trigger = ".attach_pid" + target.nsPid();
        try (TargetTmp tmp = TargetTmp.open(target.hostPid())) {
            if (listening(tmp)) return;
            try {
                tmp.createFresh(trigger);
            } catch (IOException e) {
                throw new AttachRefusedException("cannot create /tmp/" + trigger + " in the container (" + e
                        + "): an entry of that name already there is refused, not followed; remove it");
            }
            try {
                sigquit(deadline);
                while (!listening(tmp)) {
                    if (deadline.passed()) {
                        throw new AttachRefusedException("the JVM did not start its attach listener within "
                                + wait.toMillis() + " ms of a SIGQUIT (attach disabled in an argument file or"
                                + " -XX:Flags file? a JVM too busy?): retry, or restart it with -javaagent");
                    }
                    Thread.sleep(10);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AttachRefusedException("interrupted while waiting for the attach listener");
            } finally {
                try {
                    tmp.delete(trigger); // ours: nothing left behind in the container
                } catch (IOException ignored) {
                    // HotSpot may have removed it already (JDK 21+ does)
                }
            }
        } catch (IOException e) {
            throw new AttachRefusedException("cannot read the container's /tmp: " + e);
        }
    }

    /**
     * One SIGQUIT, to the process the preflight saw (same start time: its PID was not reused in between). Java has no
     * way to send it, so the shell's builtin {@code kill} does, with the PID as an argument, never interpolated.
     */
    private void sigquit(Deadline deadline) throws AttachRefusedException, IOException, InterruptedException {
        if (startTime != JvmFinder.startTime(target.hostPid()) || !JvmFinder.mapsLibjvm(target.hostPid())) {
            throw new AttachRefusedException("process " + target.hostPid() + " changed during the attach: refused");
        }
        Process kill = new ProcessBuilder("/bin/sh", "-c", "kill -s QUIT \"$1\"", "sh", Long.toString(target.hostPid()))
                .redirectErrorStream(true)
                .start();
        if (!kill.waitFor(Math.max(1, deadline.remainingMillis()), TimeUnit.MILLISECONDS)) {
            kill.destroyForcibly();
            throw new AttachRefusedException("kill -QUIT " + target.hostPid() + " did not return in time");
        }
        if (kill.exitValue() != 0) {
            String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            throw new AttachRefusedException("kill -QUIT " + target.hostPid() + " failed: " + out);
        }
    }

    /** The target's system properties, from the {@code properties} command (loads nothing). */
    public Properties properties(Duration timeout) throws AttachRefusedException {
        String out = command("properties", "", "", "", Deadline.in(timeout, "properties"));
        Properties p = new Properties();
        try {
            p.load(new StringReader(out));
        } catch (IOException | IllegalArgumentException e) {
            throw new AttachRefusedException("the JVM's properties could not be read: " + e.getMessage());
        }
        return p;
    }

    /**
     * Loads a Java agent: {@code load instrument false <jar>=<options>}, the jar path as the target sees it. Returns
     * what the target answered; refused when it reports a failure.
     */
    public String loadAgent(String jarInTarget, String options, Duration timeout) throws AttachRefusedException {
        if (jarInTarget.indexOf('\0') >= 0 || options.indexOf('\0') >= 0) {
            throw new AttachRefusedException("a NUL character in the agent's path or options: refused");
        }
        String arg = options.isEmpty() ? jarInTarget : jarInTarget + "=" + options;
        String out = command("load", "instrument", "false", arg, Deadline.in(timeout, "agent load"))
                .trim();
        // JDK 17-25: "return code: N" after the status line (0 = loaded); older JDKs print N alone
        String code = out.startsWith("return code:")
                ? out.substring("return code:".length()).trim()
                : out;
        if (!code.isEmpty() && !code.equals("0")) {
            throw new AttachRefusedException(
                    "the JVM did not load the agent: " + echo(out) + " (its own output says why)");
        }
        return out;
    }

    /** One request on a fresh connection; the status line is checked here and the output returned. */
    private String command(String cmd, String a0, String a1, String a2, Deadline deadline)
            throws AttachRefusedException {
        Path socket = socketPath();
        try (TargetTmp tmp = TargetTmp.open(target.hostPid());
                SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ScheduledFuture<?> watchdog = WATCHDOG.schedule(
                    () -> {
                        try {
                            ch.close();
                        } catch (IOException ignored) {
                            // closing is all the deadline does
                        }
                    },
                    Math.max(1, deadline.remainingMillis()),
                    TimeUnit.MILLISECONDS);
            try {
                // the same socket file, in the same /tmp, before and after the connect, and the same process
                Object before = socketIdentity(tmp);
                UnixPeer.connect(ch, socket);
                if (!before.equals(socketIdentity(tmp))) {
                    throw new AttachRefusedException(
                            "/tmp/" + socketName() + " in the container changed while connecting: refused");
                }
                if (startTime != JvmFinder.startTime(target.hostPid())) {
                    throw new AttachRefusedException("process " + target.hostPid() + " changed during the attach");
                }
                checkPeer(ch, socket);
                // the process that accepted must be the JVM itself: a listener its user swapped in (and swapped back
                // out) passes every check above, and the request may carry the control connector's secret
                UnixPeer.requireServedBy(
                        ch, target.hostPid(), deadline.remainingMillis(), "/tmp/" + socketName() + " in the container");
                String request = "1\0" + cmd + "\0" + a0 + "\0" + a1 + "\0" + a2 + "\0";
                ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8));
                while (out.hasRemaining()) ch.write(out);
                ByteArrayOutputStream reply = new ByteArrayOutputStream();
                ByteBuffer in = ByteBuffer.allocate(8192);
                while (ch.read(in) >= 0) {
                    reply.write(in.array(), 0, in.position());
                    in.clear();
                    if (reply.size() > MAX_REPLY) {
                        throw new AttachRefusedException("the JVM's reply to '" + cmd + "' is over " + MAX_REPLY / 1024
                                + " KiB: refused (not a HotSpot attach listener?)");
                    }
                }
                return body(cmd, reply.toString(StandardCharsets.UTF_8));
            } finally {
                watchdog.cancel(false);
            }
        } catch (UnixPeer.WrongPeerException e) {
            throw new AttachRefusedException(e.getMessage());
        } catch (IOException e) {
            if (deadline.passed()) {
                throw new AttachRefusedException("no answer to '" + cmd + "' within the " + deadline.step()
                        + " deadline: the JVM is stuck or too busy");
            }
            throw new AttachRefusedException("the attach socket /tmp/" + socketName() + " failed: " + e);
        }
    }

    /**
     * The attach socket's identity as the held /tmp sees it ({@code fstatat} on the directory fd: device and inode)
     * and the identity of the /tmp the connect resolves by path, which must be that same directory.
     */
    private List<Object> socketIdentity(TargetTmp tmp) throws IOException, AttachRefusedException {
        Optional<PosixFileAttributes> s = tmp.entry(socketName());
        if (s.isEmpty() || !s.get().isOther() || s.get().isSymbolicLink()) {
            throw new AttachRefusedException("/tmp/" + socketName() + " in the container is gone or not a socket");
        }
        Object byPath = Files.readAttributes(
                        socketPath().getParent(), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                .fileKey();
        if (!tmp.attributes().fileKey().equals(byPath)) {
            throw new AttachRefusedException("/tmp in the container is not the directory checked before: refused");
        }
        return List.of(s.get().fileKey(), byPath);
    }

    /** Whoever accepted must run as the target's uid: a path swapped after our checks leads elsewhere. */
    private void checkPeer(SocketChannel ch, Path socket) throws IOException, AttachRefusedException {
        UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
        if (!peer.user().equals(TargetTmp.user(target.uid()))) {
            throw new AttachRefusedException(socket + " is served by uid "
                    + peer.user().getName() + ", not by the JVM's uid " + target.uid() + ": refused");
        }
    }

    private static String body(String cmd, String reply) throws AttachRefusedException {
        int nl = reply.indexOf('\n');
        String status = (nl < 0 ? reply : reply.substring(0, nl)).trim();
        String rest = nl < 0 ? "" : reply.substring(nl + 1);
        if (!status.equals("0")) {
            throw new AttachRefusedException(
                    "the JVM refused '" + cmd + "': status " + echo(status) + " " + echo(rest.trim()));
        }
        return rest;
    }

    /**
     * The target's text as a refusal may quote it: control characters (escape sequences, carriage returns) become
     * spaces, and only the first {@value #MAX_ECHO} characters are kept, so a log line stays one short line.
     */
    static String echo(String targetText) {
        StringBuilder b = new StringBuilder(Math.min(targetText.length(), MAX_ECHO + 1));
        for (int i = 0; i < targetText.length() && b.length() < MAX_ECHO; i++) {
            char c = targetText.charAt(i);
            b.append(Character.isISOControl(c) ? ' ' : c);
        }
        return targetText.length() > MAX_ECHO ? b + "…" : b.toString();
    }
}
