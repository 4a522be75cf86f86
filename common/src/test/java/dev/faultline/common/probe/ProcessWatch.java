package dev.faultline.common.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Watches every process on the host while a test runs, for a command line containing a marker: a process
 * spawned with injected text. Reads /proc every 10 ms on a thread of its own (a witness beside the file the
 * injection would create, which catches even a process too short-lived to be seen).
 */
public final class ProcessWatch implements AutoCloseable {
    private final String marker;
    private final List<String> seen = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long scans;

    public ProcessWatch(String marker) {
        this.marker = marker;
        thread = new Thread(this::watch, "process-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void watch() {
        while (running) {
            try (DirectoryStream<Path> procs = Files.newDirectoryStream(
                    Path.of("/proc"), p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
                for (Path p : procs) {
                    try {
                        String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                                .replace('\0', ' ');
                        if (cmdline.contains(marker)) seen.add(p.getFileName() + ": " + cmdline);
                    } catch (IOException gone) {
                        // the process ended while we looked
                    }
                }
            } catch (IOException e) {
                seen.add("cannot read /proc: " + e);
                return;
            }
            scans++;
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Command lines seen with the marker (empty: none), after at least one full scan. */
    public List<String> seen() throws InterruptedException {
        long from = scans;
        while (scans < from + 2 && thread.isAlive()) Thread.sleep(5);
        return List.copyOf(seen);
    }

    public long scans() {
        return scans;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(1000);
    }
}
