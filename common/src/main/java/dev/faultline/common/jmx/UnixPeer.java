package dev.faultline.common.jmx;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * Which process accepted a unix-socket connection. A root process that connects by a path inside a container
 * cannot trust the path: the container's user may swap the socket file for its own listener (or a link to a host
 * socket) at any moment, and swap it back, so no check of the file before or after the connect proves where the
 * connection went, and {@code SO_PEERCRED}'s uid proves nothing when the swapper runs as the same uid (or the
 * target as root). What does prove it is the connection itself: the client end is bound to a private name, so
 * {@code ss} (sock_diag) finds it and reports the inode of its peer end, and the expected process must hold that
 * very socket among its file descriptors ({@code /proc/<pid>/fd}). Nothing is written to the connection before
 * that; Java 17 has no {@code SO_PEERCRED} pid, and this needs no native code.
 */
public final class UnixPeer {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long POLL_MILLIS = 5;
    private static Path names;

    private UnixPeer() {}

    /** The connection's peer is not the expected process: nothing may be sent on it. */
    public static final class WrongPeerException extends IOException {
        private static final long serialVersionUID = 1L;

        WrongPeerException(String message) {
            super(message);
        }
    }

    /**
     * Connects {@code channel} (unbound, unconnected) to {@code socket} from a private, fresh client name, so that
     * {@link #requireServedBy} can find this connection; the name is unlinked again at once.
     */
    public static void connect(SocketChannel channel, Path socket) throws IOException {
        Path local = privateNames().resolve("c-" + HexFormat.of().formatHex(randomBytes()));
        channel.bind(UnixDomainSocketAddress.of(local));
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } finally {
            Files.deleteIfExists(local); // the kernel keeps the name on the socket; the file is not needed
        }
    }

    /**
     * Waits (at most {@code waitMillis}) until the peer accepted the connection {@link #connect} made, then requires
     * that process {@code pid} holds the accepting socket; otherwise refuses, naming the cause.
     *
     * @param what the socket as the caller names it, for messages
     */
    public static void requireServedBy(SocketChannel channel, long pid, long waitMillis, String what)
            throws IOException {
        if (!(channel.getLocalAddress() instanceof UnixDomainSocketAddress bound)
                || bound.getPath().toString().isEmpty())
            throw new IOException("the connection to " + what + " was not made by UnixPeer.connect");
        String local = bound.getPath().toString();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(1, waitMillis));
        String peer;
        while (true) {
            peer = peerInode(local, end);
            if (peer != null && !peer.equals("0")) break;
            if (peer == null)
                throw new IOException("ss does not list this process's connection to " + what + "; refused");
            if (System.nanoTime() > end)
                throw new SocketTimeoutException("nobody accepted the connection to " + what + " within " + waitMillis
                        + " ms (a stopped or stuck JVM?): nothing sent");
            sleep();
        }
        if (!holds(pid, "socket:[" + peer + "]"))
            throw new WrongPeerException(what + " is served by a process other than the JVM (pid " + pid
                    + "): the socket was swapped or redirected after the JVM made it (socket inode " + peer
                    + " is not among its file descriptors); nothing sent, refused");
    }

    /** The peer inode ss reports for the connection bound to {@code local}: "0" until accepted, null if not listed. */
    static String peerInode(String local, long endNanos) throws IOException {
        for (String line : ss(endNanos).split("\n")) {
            // "u_str ESTAB 0 0 <local path> <local inode> <peer address> <peer inode>": our path has no spaces
            if (!line.contains(" " + local + " ")) continue;
            String[] f = line.trim().split("\\s+");
            return f[f.length - 1];
        }
        return null;
    }

    /** Whether process {@code pid} has a file descriptor open on {@code link} (e.g. {@code socket:[123]}). */
    static boolean holds(long pid, String link) throws IOException {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).toString().equals(link)) return true;
                } catch (NoSuchFileException closed) {
                    // closed while listing
                }
            }
        } catch (NoSuchFileException gone) {
            throw new WrongPeerException("process " + pid + " is gone; refused");
        }
        return false;
    }

    /** {@code ss -x -n -H}: the connected unix sockets of this network namespace, bounded by the deadline. */
    private static String ss(long endNanos) throws IOException {
        Path out = privateNames().resolve("ss-" + HexFormat.of().formatHex(randomBytes()));
        try {
            Process p;
            try {
                p = new ProcessBuilder("ss", "-x", "-n", "-H")
                        .redirectOutput(out.toFile())
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
            } catch (IOException e) {
                throw new IOException("cannot run ss (iproute2), which tells who serves a unix socket: "
                        + e.getMessage() + "; install iproute2");
            }
            long left = Math.max(200, TimeUnit.NANOSECONDS.toMillis(endNanos - System.nanoTime()));
            try {
                if (!p.waitFor(left, TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new IOException("ss did not answer within " + left + " ms");
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while asking ss who serves a unix socket");
            }
            if (p.exitValue() != 0) throw new IOException("ss failed with exit code " + p.exitValue());
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** A directory only this process's user can use (0700), for client names and ss's output. */
    private static synchronized Path privateNames() throws IOException {
        if (names == null || !Files.isDirectory(names)) {
            names = Files.createTempDirectory(
                    "faultline-peer-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            names.toFile().deleteOnExit();
        }
        return names;
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return b;
    }

    private static void sleep() throws IOException {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the peer to accept");
        }
    }
}
