package dev.faultline.sidecar.jvm;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Puts the agent jar where the target can open it, for the length of one load: a root-owned, read-only copy
 * {@code /tmp/.faultline-agent-<random>.jar}, created through the target's /tmp held open without following links
 * ({@link TargetTmp}: {@code openat} with {@code O_CREAT|O_EXCL|O_NOFOLLOW}), so no path the container controls is
 * followed; in a sticky /tmp its user can neither replace nor rename it. {@link #close()} deletes it once the load has
 * answered (the agent keeps its jar open), so nothing is left in the container.
 *
 * <p>Not the copy-free hand-off of the study (a helper {@code nsenter -t PID -p -S uid -G gid -- sleep} holding the
 * host's jar as an fd, loaded as {@code /proc/<helper>/fd/N}): the helper runs as the target's uid with the host's root
 * and working directory, so for as long as it lives any process of that uid in the container reads and writes the host
 * through {@code /proc/<helper>/root} and {@code /cwd} (tried: {@code ls /proc/<helper>/root/} lists the node's /).
 */
public final class AgentDelivery implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final TargetTmp tmp;
    private final String name;

    private AgentDelivery(TargetTmp tmp, String name) {
        this.tmp = tmp;
        this.name = name;
    }

    /** Copies {@code jar} into the target's /tmp under a fresh random name; refused with the reason if it cannot. */
    public static AgentDelivery handOff(JvmProcess target, Path jar) throws AttachRefusedException {
        TargetTmp tmp = TargetTmp.open(target.hostPid());
        try {
            // /proc/<pid>/root was resolved by number: the /tmp held is the JVM's only if the PID is still its own
            HotSpotAttach.requireSameProcess(target);
        } catch (AttachRefusedException e) {
            close(tmp);
            throw e;
        }
        String name = ".faultline-agent-" + HexFormat.of().formatHex(bytes()) + ".jar";
        boolean created = false;
        try (FileChannel in = FileChannel.open(jar, StandardOpenOption.READ);
                SeekableByteChannel out = tmp.channel(
                        name,
                        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                        PosixFilePermissions.fromString("r--r--r--"))) {
            created = true;
            long size = in.size();
            long done = 0;
            while (done < size) done += in.transferTo(done, size - done, out);
            return new AgentDelivery(tmp, name);
        } catch (FileAlreadyExistsException e) {
            close(tmp);
            throw new AttachRefusedException("/tmp/" + name + " already exists in the container: refused");
        } catch (IOException e) {
            if (created) delete(tmp, name);
            close(tmp);
            throw new AttachRefusedException("cannot put the agent jar into the container's /tmp (" + e
                    + "): it needs room for " + jarSize(jar) + " bytes there for a moment");
        }
    }

    private static byte[] bytes() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return b;
    }

    /** The jar's path as the target opens it. */
    public String pathInTarget() {
        return "/tmp/" + name;
    }

    @Override
    public void close() {
        delete(tmp, name);
        close(tmp);
    }

    private static void delete(TargetTmp tmp, String name) {
        try {
            tmp.delete(name);
        } catch (IOException ignored) {
            // gone already; a crash before this leaves a root-owned, read-only file with our prefix
        }
    }

    private static void close(TargetTmp tmp) {
        try {
            tmp.close();
        } catch (IOException ignored) {
            // a directory handle
        }
    }

    private static long jarSize(Path jar) {
        return jar.toFile().length();
    }
}
