package dev.faultline.sidecar.jvmcontrol;

import dev.faultline.sidecar.experiment.journal.Journal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The order of jvm commands across sidecar processes (a daemon, an operator's one-shot {@code jvm clear}, a
 * {@code kubectl exec}): per JVM, a lock file held while attaching and arming and by a clear, and a file holding the
 * mark of its latest clear. Both live under the sidecar's own state directory, the journal's (root's, on the node;
 * never in a container, so nothing a container controls is followed). The locks are POSIX record locks: the OS
 * drops them with their process, so a crashed sidecar's file is no obstacle.
 *
 * <p>Within one process, callers serialise on their own monitors first: a JVM holds a second lock on a file it has
 * locked as an error, and closing any channel of a file drops all of the process's locks on it.
 */
final class JvmLockFiles {
    private static final Logger log = LoggerFactory.getLogger("faultline.action");
    /** Longer than any attach holds a JVM: the load's 20 s deadline, the listener's 1.5 s, the properties' 2 s. */
    static final Duration WAIT = Duration.ofSeconds(30);
    /** A clear mark's file is locked for one read or write: a holder this long is stopped or hung. */
    private static final Duration MARK_WAIT = Duration.ofSeconds(5);

    /** Created if missing, never through a link. */
    private static final Set<OpenOption> OPEN = Set.of(
            StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);

    private static final Object MARKS = new Object();

    private final Path dir;

    JvmLockFiles(Path dir) {
        this.dir = dir;
    }

    /** Beside the journal ({@code FAULTLINE_JOURNAL}), where every sidecar process of the node looks. */
    static JvmLockFiles beside(Path journal) {
        return new JvmLockFiles(journal.toAbsolutePath().getParent().resolve("jvm-locks"));
    }

    static JvmLockFiles ofThisSidecar() {
        return beside(Journal.defaultPath());
    }

    Path dir() {
        return dir;
    }

    /** Another sidecar process has held a JVM's lock longer than any attach may: it is named. */
    static final class Busy extends IllegalStateException {
        Busy(String message) {
            super(message);
        }
    }

    /** A JVM's lock, held: closing it lets the next process in. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Takes {@code jvm}'s lock, waiting at most {@link #WAIT} for another sidecar process that holds it; writes who
     * holds it now ({@code what}: the command) for a process that waits next.
     * @throws Busy naming the holder when the wait ends
     * @throws IllegalStateException naming the directory when it cannot be used
     */
    Held hold(FoundJvm jvm, String what) {
        return hold(jvm, what, WAIT);
    }

    Held hold(FoundJvm jvm, String what, Duration wait) {
        Path file = file(jvm, "lock");
        FileChannel ch = open(file);
        try {
            long deadline = System.nanoTime() + wait.toNanos();
            long pause = 1;
            FileLock lock;
            boolean said = false;
            while ((lock = ch.tryLock()) == null) {
                if (!said) {
                    log.info(
                            "action=wait container={} host_pid={} for=\"{}\" lock={}",
                            jvm.container(),
                            jvm.hostPid(),
                            holder(ch),
                            file);
                    said = true;
                }
                if (System.nanoTime() - deadline > 0)
                    throw new Busy(jvm.container() + " pid " + jvm.hostPid() + ": another sidecar"
                            + " process (" + holder(ch) + ") has held this JVM's lock " + file + " for "
                            + wait.toMillis() / 1000.0
                            + " s; nothing done. If it hangs, stop it: its lock ends with it");
                Thread.sleep(pause);
                pause = Math.min(pause * 2, 50);
            }
            ByteBuffer who =
                    ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + ": " + what + ", since " + Instant.now())
                            .getBytes(StandardCharsets.UTF_8));
            ch.truncate(0);
            while (who.hasRemaining()) ch.write(who, who.position());
            FileLock held = lock;
            return () -> {
                try (ch) {
                    held.release();
                } catch (IOException ignored) {
                    // closing the channel releases it
                }
            };
        } catch (IOException | InterruptedException | RuntimeException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing held
            }
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            if (e instanceof Busy busy) throw busy;
            throw new IllegalStateException(
                    jvm.container() + " pid " + jvm.hostPid() + ": cannot take this JVM's lock " + file + ": " + e, e);
        }
    }

    private static String holder(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(512);
            int n = ch.read(b, 0);
            return n <= 0 ? "who, it did not say" : new String(b.array(), 0, n, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "who, unreadable: " + e.getMessage();
        }
    }

    /** Records a clear's mark for {@code jvm}, keeping the latest, before the clear waits for the JVM's lock. */
    void cleared(FoundJvm jvm, long mark) {
        synchronized (MARKS) {
            try (FileChannel ch = open(file(jvm, "cleared"));
                    FileLock ignored = within(ch, false, MARK_WAIT)) {
                if (mark <= read(ch)) return;
                ByteBuffer b = ByteBuffer.allocate(Long.BYTES).putLong(0, mark);
                while (b.hasRemaining()) ch.write(b, b.position());
                ch.force(false);
            } catch (IOException e) {
                throw new IllegalStateException(
                        jvm.container() + " pid " + jvm.hostPid() + ": cannot record the clear in " + dir + ": " + e,
                        e);
            }
        }
    }

    /** The mark of the latest clear of {@code jvm} by any sidecar process; {@link Long#MIN_VALUE} if none. */
    long clearedAt(FoundJvm jvm) {
        Path file = file(jvm, "cleared");
        synchronized (MARKS) {
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) return Long.MIN_VALUE;
            try (FileChannel ch = open(file);
                    FileLock ignored = within(ch, true, MARK_WAIT)) {
                return read(ch);
            } catch (IOException e) {
                throw new IllegalStateException(
                        jvm.container() + " pid " + jvm.hostPid() + ": cannot read its clears in " + dir + ": " + e, e);
            }
        }
    }

    private static FileLock within(FileChannel ch, boolean shared, Duration wait) throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        FileLock lock;
        while ((lock = ch.tryLock(0, Long.MAX_VALUE, shared)) == null) {
            if (System.nanoTime() - deadline > 0)
                throw new IOException("locked by another process for " + wait.toSeconds() + " s");
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        return lock;
    }

    private static long read(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(Long.BYTES);
        while (b.hasRemaining()) if (ch.read(b, b.position()) < 0) return Long.MIN_VALUE;
        return b.getLong(0);
    }

    /** {@code <pid>-<start ticks>.<kind>}: the JVM by pid and start time, as the journal names it. */
    private Path file(FoundJvm jvm, String kind) {
        return dir.resolve(jvm.hostPid() + "-" + jvm.startTicks() + "." + kind);
    }

    /** Opened without following a link, in the directory made 0700 if it is missing. */
    private FileChannel open(Path file) {
        try {
            ready();
            return FileChannel.open(file, OPEN);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot open " + file + ": " + e
                            + " (the sidecar's state directory: set FAULTLINE_JOURNAL to a directory of the node that only"
                            + " root writes)",
                    e);
        }
    }

    private volatile boolean ready;

    /**
     * The directory exists, is a directory and no link, is this process's user's, and no one else may write in it;
     * created (with the journal's directory, as the journal does) if missing. Files of JVMs that have exited are
     * removed when it is first used: nobody locks them again, since a JVM's pid and start time are not reused.
     */
    private void ready() throws IOException {
        if (ready) return;
        synchronized (this) {
            if (ready) return;
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(
                        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException there) {
                // made by another sidecar process, or earlier: checked below
            }
            PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isDirectory()) throw new IOException(dir + " is not a directory (a link or a file): refused");
            Object owner = Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            Object me = Files.getAttribute(Path.of("/proc/self"), "unix:uid"); // this process's effective uid
            if (!owner.equals(me))
                throw new IOException(
                        dir + " belongs to uid " + owner + ", not to this sidecar's uid " + me + ": refused");
            if (a.permissions().contains(PosixFilePermission.GROUP_WRITE)
                    || a.permissions().contains(PosixFilePermission.OTHERS_WRITE))
                throw new IOException(dir + " is writable by others than its owner: refused");
            pruneEnded();
            ready = true;
        }
    }

    /** Removes the files of JVMs that have exited (also called by a long-running daemon now and then). */
    void pruneEnded() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String[] name = f.getFileName().toString().split("[-.]");
                if (name.length != 3) continue;
                try {
                    if (!ProcessStart.same(Long.parseLong(name[0]), Long.parseLong(name[1]))) Files.deleteIfExists(f);
                } catch (NumberFormatException | IOException ignored) {
                    // not one of ours, or gone already
                }
            }
        } catch (IOException ignored) {
            // kept: a few small files
        }
    }
}
