package dev.faultline.sidecar.security;

import dev.faultline.sidecar.Sidecar;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A sidecar daemon process whose output is collected as it runs (the log is part of what tests check). */
final class RunningDaemon implements AutoCloseable {
    final Sidecar sidecar = new Sidecar();
    final Process process;
    private final StringBuffer output = new StringBuffer();

    RunningDaemon(List<String> args) throws IOException {
        process = sidecar.start(args.toArray(String[]::new));
        Thread pump = new Thread(
                () -> {
                    try (BufferedReader r = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line; (line = r.readLine()) != null; )
                            output.append(line).append('\n');
                    } catch (IOException ignored) {
                        // the process ended
                    }
                },
                "daemon-output");
        pump.setDaemon(true);
        pump.start();
    }

    String output() {
        return output.toString();
    }

    /** Waits up to 10 s for {@code text} in the output. */
    boolean logged(String text) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!output().contains(text) && System.currentTimeMillis() < deadline) Thread.sleep(20);
        return output().contains(text);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly();
    }
}
