package dev.faultline.sidecar.jvmcontrol;

import dev.faultline.common.jmx.UnixJmx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;

/**
 * The directory an attached agent serves its connector in: {@code /tmp/.faultline-<random>} inside the target's
 * filesystem, reached from the host through {@code /proc/PID/root}. The container's user may have planted symlinks
 * anywhere there, and an absolute symlink under {@code /proc/PID/root} resolves against the host's root, so: every
 * component below the root is {@code lstat}ed (a real directory, not a link), the name is fresh and random, the
 * directory is made by {@code mkdir} as root (which never follows a link and fails on anything already there), its
 * parent is checked to be the same inode before and after, and ownership is given with {@code lchown}. Nothing is
 * written through a path the container named.
 */
public final class ControlDirectory {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PREFIX = ".faultline-";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    /** Readable by the agent's uid, which cannot chown it; the directory (0700, the uid's) keeps everyone else out. */
    private static final Set<PosixFilePermission> SECRET_MODE = PosixFilePermissions.fromString("r--r--r--");

    private final Path root;
    private final String inContainer;
    private final int uid;

    private ControlDirectory(Path root, String inContainer, int uid) {
        this.root = root;
        this.inContainer = inContainer;
        this.uid = uid;
    }

    /** {@code /proc/<hostPid>/root}: the target's own filesystem, as the host sees it. */
    public static Path rootOf(long hostPid) {
        return Path.of("/proc", Long.toString(hostPid), "root");
    }

    /**
     * Makes a fresh directory in the target's {@code /tmp} owned by {@code uid:gid}, mode 0700.
     *
     * @param root the target's root as the host sees it ({@link #rootOf})
     */
    public static ControlDirectory create(Path root, int uid, int gid) {
        return create(root, uid, gid, null);
    }

    /**
     * The same, with {@code secret} in {@value UnixJmx#SECRET_FILE} (root's, 0444, written through the directory's
     * descriptor while the directory is still root's own, before it is given to {@code uid}): the agent reads and
     * deletes it, so the secret is in no attach options (JDK 22+ records those in JFR's {@code jdk.JavaAgent}).
     * The directory's mode 0700 keeps every other uid of the container from reaching the file.
     */
    public static ControlDirectory create(Path root, int uid, int gid, AttachSecret secret) {
        Path tmp = root.resolve("tmp");
        PosixFileAttributes before = realDirectory(tmp, "the target's /tmp");
        String name = PREFIX + HexFormat.of().formatHex(randomBytes());
        Path dir = tmp.resolve(name);
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException("the target's /tmp already has " + name + " (planted?): nothing written");
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot create the control directory in the target's /tmp (" + e.getMessage()
                            + "): a read-only root needs a writable /tmp, e.g. a tmpfs",
                    e);
        }
        ControlDirectory made = new ControlDirectory(root, "/tmp/" + name, uid);
        try {
            PosixFileAttributes after = realDirectory(tmp, "the target's /tmp");
            if (!Objects.equals(before.fileKey(), after.fileKey()))
                throw new IllegalStateException("the target's /tmp was replaced while the control directory was made");
            realDirectory(dir, "the control directory");
            Object madeBy = Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            Object self = Files.getAttribute(Path.of("/proc/self"), "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (!madeBy.equals(self))
                throw new IllegalStateException("the control directory is not ours after mkdir: uid " + madeBy);
            if (secret != null) writeSecret(tmp, name, secret);
            // lchown: never follows a link; the agent (running as uid) makes its socket in it
            Files.setAttribute(dir, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(dir, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
            PosixFileAttributes owned = realDirectory(dir, "the control directory");
            if (!owned.permissions().equals(OWNER_ONLY))
                throw new IllegalStateException("the control directory's mode is " + owned.permissions());
        } catch (IOException | RuntimeException e) {
            made.remove();
            throw e instanceof IllegalStateException ise
                    ? ise
                    : new IllegalStateException("cannot prepare the control directory: " + e.getMessage(), e);
        }
        return made;
    }

    /** Opens {@code tmp/name} and writes the secret file in it by descriptors: no path component is followed. */
    private static void writeSecret(Path tmp, String name, AttachSecret secret) throws IOException {
        try (DirectoryStream<Path> t = Files.newDirectoryStream(tmp)) {
            if (!(t instanceof SecureDirectoryStream<Path> secureTmp))
                throw new IOException("no openat() on this platform: the secret is not written");
            try (SecureDirectoryStream<Path> dir =
                            secureTmp.newDirectoryStream(Path.of(name), LinkOption.NOFOLLOW_LINKS);
                    SeekableByteChannel out = dir.newByteChannel(
                            Path.of(UnixJmx.SECRET_FILE),
                            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                            PosixFilePermissions.asFileAttribute(SECRET_MODE))) {
                ByteBuffer b = ByteBuffer.wrap(secret.reveal().getBytes(StandardCharsets.UTF_8));
                while (b.hasRemaining()) out.write(b);
            }
        }
    }

    /**
     * Removes the secret file if the agent did not take it (its load failed before): unlinked through the directory's
     * descriptor, so a directory renamed or replaced by a link since is not followed. Quiet.
     */
    public void discardSecret() {
        Path tmp = root.resolve("tmp");
        try (DirectoryStream<Path> t = Files.newDirectoryStream(tmp)) {
            if (!(t instanceof SecureDirectoryStream<Path> secureTmp)) return;
            try (SecureDirectoryStream<Path> dir = secureTmp.newDirectoryStream(
                    Path.of(inContainer.substring("/tmp/".length())), LinkOption.NOFOLLOW_LINKS)) {
                dir.deleteFile(Path.of(UnixJmx.SECRET_FILE));
            }
        } catch (IOException | RuntimeException gone) {
            // taken by the agent (the usual case), or the JVM and its filesystem are gone
        }
    }

    /** The directory as the target sees it: what the agent's {@code jmx.unix=} option names. */
    public String inContainer() {
        return inContainer;
    }

    /** The directory as the host sees it, for the connector's client. */
    public Path onHost() {
        return root.resolve(inContainer.substring(1));
    }

    /**
     * A file the agent made in the directory, checked before the sidecar uses it: itself (not a link), owned by the
     * target's uid. A link there would send the sidecar's connection, and its secret, to a host socket.
     */
    public Path agentFile(String name) {
        Path f = onHost().resolve(name);
        try {
            PosixFileAttributes a = Files.readAttributes(f, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isSymbolicLink() || a.isDirectory())
                throw new IllegalStateException(f + ": a link or a directory where the agent's " + name + " should be");
            Object owner = Files.getAttribute(f, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (!owner.equals(uid))
                throw new IllegalStateException(f + ": owned by uid " + owner + ", not the target's uid " + uid);
            return f;
        } catch (IOException e) {
            throw new IllegalStateException("the agent's " + name + " is not there: " + e.getMessage(), e);
        }
    }

    /**
     * Removes what the agent left in it (its socket, its address file) and the directory itself; what the
     * container's user put in subdirectories is left alone. Never follows a link. Quiet: the JVM may be gone.
     */
    public void remove() {
        Path dir = onHost();
        try {
            realDirectory(dir, "the control directory");
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path e : entries) {
                    PosixFileAttributes a =
                            Files.readAttributes(e, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (!a.isDirectory()) Files.deleteIfExists(e); // unlink: a link itself, never its target
                }
            }
            Files.deleteIfExists(dir);
        } catch (IOException | RuntimeException ignored) {
            // the JVM (and its filesystem) may be gone; the directory is the container's to lose
        }
    }

    private static PosixFileAttributes realDirectory(Path p, String what) {
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new IllegalStateException(
                    what + " cannot be read (" + e.getMessage() + "): a read-only root needs a writable /tmp", e);
        }
        if (a.isSymbolicLink())
            throw new IllegalStateException(what + " is a symbolic link: refused, nothing written (a planted link?)");
        if (!a.isDirectory()) throw new IllegalStateException(what + " is not a directory: refused, nothing written");
        return a;
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return b;
    }

    @Override
    public String toString() {
        return inContainer;
    }
}
