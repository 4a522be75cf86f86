package dev.faultline.sidecar.jvmcontrol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The per-JVM lock files that order jvm commands across sidecar processes, with a real second process holding a
 * lock (LockHoldingSidecar): a waiter that gives up names it, a SIGKILLed holder's lock is free at once though its
 * file stays, clear marks keep the latest, and the directory is made 0700 when missing and refused when it is a link
 * or writable by others.
 */
class JvmLockFilesIT {
    private final Path root = tempDir();

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("faultline-jvm-locks");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JVM as the sidecar finds it: this test's own process, alive, so its files are not pruned. */
    static FoundJvm jvm(long pid, long ticks) {
        return new FoundJvm("svc(0123456789ab)", "0123456789ab", pid, 1, 4321, 4321, ticks, null, false, null);
    }

    private static FoundJvm self() {
        long pid = ProcessHandle.current().pid();
        return jvm(pid, ProcessStart.ticks(pid));
    }

    @AfterEach
    void remove() throws Exception {
        try (var files = Files.walk(root)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        }
    }

    @Test
    void aWaiterNamesTheHolderAndASigkilledHoldersLockIsFreeAtOnce() throws Exception {
        FoundJvm jvm = self();
        Path dir = root.resolve("state/jvm-locks");
        Process holder = new ProcessBuilder(
                        System.getProperty("java.home") + "/bin/java",
                        "-cp",
                        System.getProperty("java.class.path"),
                        LockHoldingSidecar.class.getName(),
                        dir.toString(),
                        Long.toString(jvm.hostPid()),
                        Long.toString(jvm.startTicks()))
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.equals("held")) System.out.println("[holder] " + line);
            assertEquals("held", line, "the second process took the lock");
            JvmLockFiles files = new JvmLockFiles(dir);
            long t0 = System.nanoTime();
            JvmLockFiles.Busy busy =
                    assertThrows(JvmLockFiles.Busy.class, () -> files.hold(jvm, "jvm clear", Duration.ofMillis(300)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 300 && ms < 5_000, "gave up after its wait: " + ms + " ms");
            assertTrue(
                    busy.getMessage()
                                    .startsWith("svc(0123456789ab) pid " + jvm.hostPid() + ": another sidecar process"
                                            + " (pid " + holder.pid() + ": jvm fault, since ")
                            && busy.getMessage()
                                    .contains("has held this JVM's lock "
                                            + dir.resolve(jvm.hostPid() + "-" + jvm.startTicks() + ".lock")
                                            + " for 0.3 s; nothing done"),
                    busy.getMessage());

            holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no finally, no release
            t0 = System.nanoTime();
            try (JvmLockFiles.Held held = files.hold(jvm, "jvm clear", Duration.ofSeconds(5))) {
                ms = (System.nanoTime() - t0) / 1_000_000;
            }
            assertTrue(ms < 1_000, "the dead holder's lock is free: taken in " + ms + " ms");
            assertTrue(Files.exists(dir.resolve(jvm.hostPid() + "-" + jvm.startTicks() + ".lock")), "its file stays");
        } finally {
            holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void clearMarksKeepTheLatestAndFilesOfEndedJvmsArePruned() throws Exception {
        Path dir = root.resolve("jvm-locks");
        JvmLockFiles files = new JvmLockFiles(dir);
        FoundJvm jvm = self();
        assertEquals(Long.MIN_VALUE, files.clearedAt(jvm), "never cleared");
        files.cleared(jvm, 200);
        files.cleared(jvm, 100); // a clear that started earlier, recorded later
        assertEquals(200, files.clearedAt(jvm));
        assertEquals(200, new JvmLockFiles(dir).clearedAt(jvm), "read from the file");

        FoundJvm ended = jvm(jvm.hostPid(), jvm.startTicks() + 1); // the same pid, another start: not this process
        files.cleared(ended, 5);
        files.pruneEnded();
        assertTrue(Files.exists(dir.resolve(jvm.hostPid() + "-" + jvm.startTicks() + ".cleared")));
        assertTrue(!Files.exists(dir.resolve(jvm.hostPid() + "-" + (jvm.startTicks() + 1) + ".cleared")));
    }

    @Test
    void aMissingDirectoryIsMadeForRootAloneAndAnUnsafeOneIsRefused() throws Exception {
        JvmLockFiles made = JvmLockFiles.beside(root.resolve("var/lib/faultline/journal"));
        FoundJvm jvm = self();
        made.hold(jvm, "jvm clear").close();
        assertEquals(root.resolve("var/lib/faultline/jvm-locks"), made.dir());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(made.dir())));

        Path elsewhere = Files.createDirectory(root.resolve("elsewhere"));
        Path link = Files.createSymbolicLink(root.resolve("link"), elsewhere);
        IllegalStateException linked =
                assertThrows(IllegalStateException.class, () -> new JvmLockFiles(link).hold(jvm, "jvm fault"));
        assertTrue(
                linked.getMessage().contains(link + " is not a directory (a link or a file): refused"),
                linked.getMessage());
        try (var none = Files.list(elsewhere)) {
            assertEquals(0, none.count(), "nothing made through the link");
        }

        Path open = Files.createDirectory(root.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        IllegalStateException shared =
                assertThrows(IllegalStateException.class, () -> new JvmLockFiles(open).cleared(jvm, 1));
        assertTrue(
                shared.getMessage().contains(open + " is writable by others than its owner: refused"),
                shared.getMessage());
    }
}
