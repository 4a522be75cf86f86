package dev.faultline.sidecar.jvm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Hands the agent jar to a target without writing anything into its container: a helper process in the target's PID
 * namespace, running as the target's uid:gid, holds the host's jar open on its stdin, so the target can open it as
 * {@code /proc/<helper's nspid>/fd/0} (a magic link: no path the container controls is followed). The helper is
 * {@code nsenter -t PID -p -S uid -G gid -- sleep N} with the jar as its stdin, which Java's ProcessBuilder can pass
 * without a shell; {@link #close()} ends it once the agent is loaded (the agent keeps its jar open), and {@code sleep}
 * ends it anyway if the sidecar dies first.
 */
public final class AgentDelivery implements AutoCloseable {
    /** How long a helper outlives a sidecar that died before closing it. */
    static final Duration HELPER_LIFETIME = Duration.ofSeconds(60);

    private final Process nsenter;
    private final ProcessHandle helper;
    private final long helperNsPid;

    private AgentDelivery(Process nsenter, ProcessHandle helper, long helperNsPid) {
        this.nsenter = nsenter;
        this.helper = helper;
        this.helperNsPid = helperNsPid;
    }

    /** Starts the helper for {@code target} holding {@code jar}; refused if it is not up within {@code wait}. */
    public static AgentDelivery handOff(JvmProcess target, Path jar, Duration wait) throws AttachRefusedException {
        Deadline deadline = Deadline.in(wait, "agent hand-off");
        String targetNs = namespace(target.hostPid())
                .orElseThrow(() -> new AttachRefusedException("process " + target.hostPid() + " is gone"));
        Process nsenter;
        try {
            nsenter = new ProcessBuilder(
                            "nsenter",
                            "-t",
                            Long.toString(target.hostPid()),
                            "-p",
                            "-S",
                            Integer.toString(target.uid()),
                            "-G",
                            Integer.toString(target.gid()),
                            "--",
                            "sleep",
                            Long.toString(HELPER_LIFETIME.toSeconds()))
                    .redirectInput(jar.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new AttachRefusedException("cannot start nsenter for the agent hand-off: " + e.getMessage()
                    + " (the sidecar image ships util-linux)");
        }
        try {
            while (true) {
                Optional<ProcessHandle> inTarget = nsenter.descendants()
                        .filter(h -> namespace(h.pid()).filter(targetNs::equals).isPresent())
                        .findFirst();
                if (inTarget.isPresent()) {
                    long nsPid = ProcStatus.parse(Files.readString(
                                    Path.of("/proc", inTarget.get().pid() + "/status")))
                            .nsPid();
                    return new AgentDelivery(nsenter, inTarget.get(), nsPid);
                }
                if (!nsenter.isAlive()) {
                    String out = new String(nsenter.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                    throw new AttachRefusedException("the agent hand-off helper failed: " + out);
                }
                if (deadline.passed()) {
                    throw new AttachRefusedException(
                            "the agent hand-off helper did not start within " + wait.toMillis() + " ms");
                }
                Thread.sleep(5);
            }
        } catch (IOException | IllegalArgumentException | InterruptedException | AttachRefusedException e) {
            nsenter.descendants().forEach(ProcessHandle::destroyForcibly);
            nsenter.destroyForcibly();
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            if (e instanceof AttachRefusedException r) throw r;
            throw new AttachRefusedException("the agent hand-off helper failed: " + e);
        }
    }

    /** The jar's path as the target opens it. */
    public String pathInTarget() {
        return "/proc/" + helperNsPid + "/fd/0";
    }

    @Override
    public void close() {
        helper.destroyForcibly();
        try {
            if (!nsenter.waitFor(2, TimeUnit.SECONDS)) nsenter.destroyForcibly();
        } catch (InterruptedException e) {
            nsenter.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static Optional<String> namespace(long pid) {
        try {
            return Optional.of(
                    Files.readSymbolicLink(Path.of("/proc", pid + "/ns/pid")).toString());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
