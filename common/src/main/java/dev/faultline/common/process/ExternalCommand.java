package dev.faultline.common.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A program outside the JVM run to its end under a deadline: its output is read while it runs (a program that prints
 * more than a pipe holds, 64 KiB on Linux, would otherwise block on its write and never end), and at the deadline it
 * is killed with everything it started ({@link ProcessTree}). Its stdin is empty: a program that reads it gets EOF
 * at once instead of waiting for the deadline.
 */
public final class ExternalCommand {
    /**
     * How long the output may still take once the program ended. All it wrote is in the pipe by then and is read in
     * microseconds; only a process it left running in the background holds the pipe open, and what that prints later
     * is not this program's output.
     */
    static final Duration OUTPUT_AFTER_END = Duration.ofSeconds(1);
    /** Kept of each stream; the rest is read and dropped, so a runaway program cannot fill the heap. */
    static final int KEPT_BYTES = 1 << 20;
    /** Longest command line a timeout message quotes (a batch of reverts is one long {@code sh -c} script). */
    static final int QUOTED_CHARS = 200;

    private static final ExecutorService READERS =
            new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "faultline-command-output");
                t.setDaemon(true);
                return t;
            });

    private final List<String> argv;
    private final Duration deadline;
    private final boolean errorsWithOutput;

    private ExternalCommand(List<String> argv, Duration deadline, boolean errorsWithOutput) {
        if (argv.isEmpty()) throw new IllegalArgumentException("an empty command");
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("a deadline must be positive, not " + deadline);
        }
        this.argv = List.copyOf(argv);
        this.deadline = deadline;
        this.errorsWithOutput = errorsWithOutput;
    }

    /** {@code argv} with its stderr in its output, as a terminal shows them. */
    public static ExternalCommand of(List<String> argv, Duration deadline) {
        return new ExternalCommand(argv, deadline, true);
    }

    /** The same command with stderr kept apart, in {@link Result#errors()}. */
    public ExternalCommand errorsApart() {
        return new ExternalCommand(argv, deadline, false);
    }

    public List<String> argv() {
        return argv;
    }

    public Duration deadline() {
        return deadline;
    }

    /**
     * Runs it to its end or to the deadline, whichever comes first.
     *
     * @throws IOException when it cannot start (no such program, not executable)
     * @throws InterruptedException when this thread is interrupted while it runs; it is killed first
     */
    public Result run() throws IOException, InterruptedException {
        Process p =
                new ProcessBuilder(argv).redirectErrorStream(errorsWithOutput).start();
        p.getOutputStream().close();
        Drain out = new Drain(p.getInputStream());
        Drain err = errorsWithOutput ? null : new Drain(p.getErrorStream());
        boolean ended;
        try {
            ended = p.waitFor(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            ProcessTree.kill(p.toHandle());
            throw e;
        }
        if (!ended) ProcessTree.kill(p.toHandle());
        String output = out.text();
        String errors = err == null ? "" : err.text();
        return new Result(argv, ended ? p.exitValue() : -1, output, errors, !ended, deadline);
    }

    /** One of its streams, read on a thread of its own up to its end. */
    private static final class Drain {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream(); // synchronized: read while filled
        private final Future<?> reading;

        Drain(InputStream in) {
            reading = READERS.submit(() -> {
                byte[] buf = new byte[8192];
                try (in) {
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        int keep = Math.min(n, KEPT_BYTES - kept.size());
                        if (keep > 0) kept.write(buf, 0, keep);
                    }
                }
                return null;
            });
        }

        /** All it gave up to its end; what it gave so far when a process left behind still holds it open. */
        String text() throws InterruptedException {
            try {
                reading.get(OUTPUT_AFTER_END.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // keep what was read
            }
            return kept.toString(StandardCharsets.UTF_8);
        }
    }

    /** "`tc qdisc add dev eth0 …` did not finish within 30s; killed". */
    public static String timeoutMessage(List<String> argv, Duration deadline) {
        return "`" + quoted(argv) + "` did not finish within " + words(deadline) + "; killed";
    }

    /** The words of a command as a timeout message quotes them, shortened when long. */
    static String quoted(List<String> argv) {
        String line = String.join(" ", argv);
        return line.length() <= QUOTED_CHARS ? line : line.substring(0, QUOTED_CHARS - 1) + "…";
    }

    /** {@code 30s}, {@code 500ms}, {@code 1m30s}: the words the duration options take. */
    static String words(Duration d) {
        StringBuilder b = new StringBuilder();
        long ms = d.toMillis();
        long[] units = {3_600_000, 60_000, 1_000, 1};
        String[] names = {"h", "m", "s", "ms"};
        for (int i = 0; i < units.length; i++) {
            if (ms >= units[i]) {
                b.append(ms / units[i]).append(names[i]);
                ms %= units[i];
            }
        }
        return b.length() == 0 ? d.toNanos() / 1000 + "us" : b.toString();
    }

    /**
     * How it ended. {@code exitCode} is -1 when it was killed at the deadline ({@code timedOut}); {@code output} is
     * its stdout (with stderr unless {@link #errorsApart}), as printed, up to {@link #KEPT_BYTES}.
     */
    public record Result(
            List<String> argv, int exitCode, String output, String errors, boolean timedOut, Duration deadline) {
        public boolean ok() {
            return exitCode == 0 && !timedOut;
        }

        public String timeoutMessage() {
            return ExternalCommand.timeoutMessage(argv, deadline);
        }
    }
}
