package dev.faultline.sidecar.guest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs a command to its end. Guest timeouts are generous: processes start about 20x slower under TCG. */
final class Sh {
    static final Duration DEFAULT = Duration.ofSeconds(120);

    record Out(int code, String text) {}

    private Sh() {}

    static Out run(Duration timeout, List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            // read on another thread so that the timeout holds even if the command never closes its output
            var text = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "";
                }
            });
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out after " + timeout + ": " + String.join(" ", argv));
            }
            return new Out(p.exitValue(), text.get(10, TimeUnit.SECONDS));
        } catch (IOException | ExecutionException | TimeoutException e) {
            throw new AssertionError("cannot run " + String.join(" ", argv) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + String.join(" ", argv));
        }
    }

    /** Runs and fails the test unless it exits 0. */
    static String ok(String... argv) {
        Out o = run(DEFAULT, List.of(argv));
        if (o.code() != 0)
            throw new AssertionError("`" + String.join(" ", argv) + "` exited " + o.code() + ": " + o.text());
        return o.text();
    }
}
