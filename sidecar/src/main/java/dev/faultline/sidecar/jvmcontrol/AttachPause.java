package dev.faultline.sidecar.jvmcontrol;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * A test's pause of an attach in progress, as the crash matrix's kill points are a test's kill: with
 * {@code FAULTLINE_TEST_PAUSE_ATTACH=<file>} in its environment, a sidecar holding a JVM's locks before it attaches
 * writes its pid into that file and waits while the file exists (30 s at most), so that a test can issue a
 * {@code jvm clear} from another process during the attach. Whoever starts a process sets its environment: this gives
 * nobody a way in. Unset, an attach costs one null check.
 */
final class AttachPause {
    private static final String FILE = System.getenv("FAULTLINE_TEST_PAUSE_ATTACH");
    private static final long MAX_MS = 30_000;

    private AttachPause() {}

    static void reached() {
        if (FILE == null || FILE.isBlank()) return;
        Path file = Path.of(FILE);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) return;
        try {
            Files.writeString(file, Long.toString(ProcessHandle.current().pid()));
            System.err.println("faultline-test: attach paused while " + file + " exists");
            long deadline = System.nanoTime() + MAX_MS * 1_000_000;
            while (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && System.nanoTime() - deadline < 0) Thread.sleep(10);
        } catch (IOException e) {
            System.err.println("faultline-test: attach not paused: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
