package dev.faultline.sidecar.runtime.docker;

import dev.faultline.common.engine.AttachStream;
import dev.faultline.common.json.JsonWriter;
import dev.faultline.sidecar.network.NetnsCommand;
import dev.faultline.sidecar.network.NetnsExecutor;
import dev.faultline.sidecar.network.NetnsShell;
import dev.faultline.sidecar.network.Watchdogs;
import dev.faultline.sidecar.targets.TargetSelector;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The way into a target's network namespace for a sidecar container that cannot see host PIDs: one helper container
 * of the sidecar's own image (it has tc, ip and iptables) per change, joined to the target's network
 * ({@code --network container:<target>}, {@code NET_ADMIN}), started at the change's first command and kept until its
 * verified revert. Its stdin is attached to the sidecar: every command goes to the {@link NetnsShell} in it, so a
 * command costs a fork in the helper, not a container. The change's watchdog is a background process of that shell.
 * <p>
 * The helper ends by itself, and is removed by the engine ({@code AutoRemove}): its PID 1 ({@link #ENTRYPOINT}) waits for
 * the shell, which ends when its stdin does (the revert closes it; a sidecar that dies, SIGKILL included, drops the
 * connection and the engine closes it), and then for whatever the shell left running: an armed watchdog, which
 * reverts at the deadline and ends. A later sidecar's recovery removes a crashed one's helper by its labels. Helpers
 * carry the sidecar container's own labels plus {@code dev.faultline.helper=<target>} and
 * {@code dev.faultline.watchdog=<change>}, and are never selected as targets.
 */
public final class HelperContainer implements NetnsExecutor {
    private static final Logger log = LoggerFactory.getLogger("faultline.action");
    public static final String LABEL = "dev.faultline.helper";
    /** The network change a helper serves (and guards with its watchdog), so a later sidecar can find one a crashed sidecar left. */
    public static final String WATCHDOG_LABEL = "dev.faultline.watchdog";
    /**
     * PID 1 of a helper: the shell reads the attached stdin (a background job's stdin is /dev/null unless redirected,
     * hence fd 3); once it has ended, PID 1 stays while any process it left runs (the watchdog, reparented to PID 1,
     * which reaps it while it waits), then exits: {@code /proc} of the helper's own PID namespace then lists PID 1 alone.
     */
    static final String ENTRYPOINT =
            "exec 3<&0 </dev/null; sh -s " + NetnsShell.MARK + " <&3 3<&- & exec 3<&-; wait $!; "
                    + "while :; do set -- /proc/[0-9]*; [ \"$#\" -le 1 ] && exit 0; sleep 0.2; done";

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "helper-close-timeout");
        t.setDaemon(true);
        return t;
    });

    private final EngineCalls engine;
    private final String image;
    private final String targetId;
    private final long targetPid;
    private final Map<String, String> labels;
    private final NetnsShell shell;
    /** The helper the shell runs in now, and whether its stream is still open. */
    private volatile String current;

    private volatile AttachStream stream;

    private HelperContainer(
            EngineCalls engine,
            String image,
            String targetId,
            long targetPid,
            String changeId,
            Map<String, String> own) {
        this.engine = engine;
        this.image = image;
        this.targetId = targetId;
        this.targetPid = targetPid;
        this.labels = new LinkedHashMap<>(own);
        this.labels.put(LABEL, targetId);
        this.labels.put(WATCHDOG_LABEL, changeId);
        this.shell = new NetnsShell("the helper container for " + targetId, this::open);
    }

    /**
     * nsenter when host PIDs are visible (a host process, or a container run with {@code --pid host}), else a helper
     * container of our own image; {@code FAULTLINE_NETNS=helper} forces the helper. The helper speaks to the engine's
     * unix socket ({@code docker attach}); with a {@code tcp://} engine a sidecar container needs {@code --pid host}.
     */
    public static NetnsExecutor forContainer(EngineCalls engine, String targetId, long targetPid, String changeId) {
        String self = TargetSelector.ownContainerIdOrNull();
        boolean forceHelper = "helper".equals(System.getenv("FAULTLINE_NETNS"));
        if (self == null && !forceHelper) return NetnsExecutor.nsenter(targetPid);
        if (self == null)
            throw new IllegalStateException(
                    "FAULTLINE_NETNS=helper needs the sidecar to run in a container (its image is the helper's)");
        EngineCalls.Own own = uninterrupted(() -> engine.own(self));
        if (!forceHelper && "host".equals(own.pidMode())) return NetnsExecutor.nsenter(targetPid);
        if (!engine.attaches()) {
            throw new IllegalStateException("a sidecar container without --pid host reaches " + targetId
                    + " through a helper container attached over the engine's socket, which a TLS tcp:// "
                    + "DOCKER_HOST cannot do: mount the engine's unix socket, or run the sidecar with --pid host");
        }
        return new HelperContainer(engine, own.image(), targetId, targetPid, changeId, own.labels());
    }

    @Override
    public NetnsCommand.Result run(List<String> argv) {
        return uninterrupted(() -> shell.run(argv));
    }

    @Override
    public NetnsCommand.Result revertThenCheck(List<List<String>> revert, List<List<String>> verify) {
        return uninterrupted(() -> shell.runAll(revert, verify));
    }

    /**
     * A background process of the helper's shell: it outlives the shell, and the helper waits for it. Cancelled
     * through the shell; if the shell has since moved to a new helper (the old one's stream broke), by removing the
     * old helper, which then holds nothing but the watchdog.
     */
    @Override
    public Runnable watchdog(String changeId, Duration after, List<List<String>> revert) {
        return uninterrupted(() -> {
            String pid = shell.spawn(Watchdogs.argv(changeId, after, revert));
            String in = current;
            if (pid == null || in == null) return () -> {}; // the JVM's own timer and the journal still revert it
            return () -> uninterrupted(() -> {
                AttachStream s = stream;
                if (in.equals(current) && s != null && s.open()) shell.stopSpawned(pid);
                else remove(engine, in);
                return null;
            });
        });
    }

    /** The target stopped, was removed, or runs with a new main process (a restart: a new namespace). */
    @Override
    public boolean namespaceGone() {
        return uninterrupted(() -> engine.runningPid(targetId) != targetPid);
    }

    /** Ends the helper's stdin: its shell ends, then the helper (nothing is left in it once the change is reverted). */
    @Override
    public void close() {
        uninterrupted(() -> {
            shell.close();
            return null;
        });
    }

    @Override
    public String how() {
        return "helper";
    }

    /** Creates, attaches and starts a helper; the first command of a change (or of a shell that broke) calls it. */
    private NetnsShell.Channel open() throws IOException {
        long t0 = System.nanoTime();
        EngineCalls.Attached helper = engine.createAttachStart(createBody());
        String id = helper.id();
        AttachStream s = helper.stream();
        current = id;
        stream = s;
        log.info("action=helper-started container={} helper={} start_ms={}", shortId(targetId), shortId(id), ms(t0));
        return channel(id, s);
    }

    private NetnsShell.Channel channel(String id, AttachStream s) {
        return new NetnsShell.Channel() {
            public OutputStream stdin() {
                return s.stdin();
            }

            public InputStream output() {
                return s.output();
            }

            public boolean alive() {
                return s.open();
            }

            /** The stream only: a stuck command keeps the helper until it returns, and a watchdog in it lives on. */
            public void kill() {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closed already
                }
            }

            /** The helper's output ends when it does; one not gone within 2 s is removed (the change is over). */
            public void close() {
                long t0 = System.nanoTime();
                ScheduledFuture<?> late = TIMER.schedule(() -> remove(engine, id), 2, TimeUnit.SECONDS);
                try {
                    s.stdin().close();
                    s.output().transferTo(OutputStream.nullOutputStream());
                } catch (IOException ended) {
                    // removed, or the stream broke: either way it is over
                } finally {
                    late.cancel(false);
                    kill();
                }
                log.info(
                        "action=helper-ended container={} helper={} end_ms={}", shortId(targetId), shortId(id), ms(t0));
            }
        };
    }

    private static String shortId(String id) {
        return id.substring(0, Math.min(12, id.length()));
    }

    private static String ms(long t0) {
        return String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e6);
    }

    private String createBody() {
        StringBuilder l = new StringBuilder();
        labels.forEach((k, v) -> l.append(l.length() == 0 ? "" : ",")
                .append(JsonWriter.quote(k))
                .append(':')
                .append(JsonWriter.quote(v == null ? "" : v)));
        return "{\"Image\":" + JsonWriter.quote(image)
                + ",\"Entrypoint\":[\"sh\",\"-c\"," + JsonWriter.quote(ENTRYPOINT) + ",\"faultline-helper\","
                + JsonWriter.quote(targetId) + "]"
                + ",\"Cmd\":null,\"Labels\":{" + l + "}"
                + ",\"OpenStdin\":true,\"StdinOnce\":true,\"AttachStdin\":true,\"AttachStdout\":true,\"AttachStderr\":true"
                + ",\"HostConfig\":{\"NetworkMode\":" + JsonWriter.quote("container:" + targetId)
                + ",\"CapAdd\":[\"NET_ADMIN\"],\"AutoRemove\":true,\"LogConfig\":{\"Type\":\"none\"}}}";
    }

    /** Removes the helpers of a change (a crashed sidecar's, its watchdog with them); returns how many there were. */
    public static int removeWatchdogs(EngineCalls engine, String changeId) {
        return uninterrupted(() -> {
            List<String> found = engine.labelled(WATCHDOG_LABEL, changeId);
            found.forEach(id -> remove(engine, id));
            return found.size();
        });
    }

    /** A helper that is over: gone already (auto-removed) or removed now. */
    private static void remove(EngineCalls engine, String id) {
        try {
            engine.remove(id, true, false);
        } catch (RuntimeException ignored) {
            // the engine does not answer: a later recovery finds it by its labels
        }
    }

    /**
     * A stop interrupts the experiment's thread, and an interrupt closes a socket channel mid-call (the helper's
     * stream with it): each call runs with the flag cleared and restores it after.
     */
    private static <T> T uninterrupted(Supplier<T> call) {
        boolean interrupted = Thread.interrupted();
        try {
            return call.get();
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }
}
