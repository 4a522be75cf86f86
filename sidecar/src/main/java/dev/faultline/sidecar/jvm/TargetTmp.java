package dev.faultline.sidecar.jvm;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.Optional;
import java.util.Set;

/**
 * A target's {@code /tmp}, held open as a directory: opened from {@code /proc/PID/root} with {@code O_NOFOLLOW}, so a
 * symlink the container put there (toward a host path) is refused instead of followed, and every later create, stat,
 * chown and delete is relative to that directory ({@code openat}, {@code fstatat}, {@code unlinkat}): the container
 * cannot redirect them by swapping a path component in between.
 */
final class TargetTmp implements Closeable {
    private static final UserPrincipalLookupService PRINCIPALS =
            FileSystems.getDefault().getUserPrincipalLookupService();

    private final SecureDirectoryStream<Path> dir;

    private TargetTmp(SecureDirectoryStream<Path> dir) {
        this.dir = dir;
    }

    /** The target's /tmp; refused with the reason when it is missing, not a directory, or a symlink. */
    static TargetTmp open(long hostPid) throws AttachRefusedException {
        Path root = Path.of("/proc", Long.toString(hostPid), "root");
        try (DirectoryStream<Path> rootStream = Files.newDirectoryStream(root)) {
            if (!(rootStream instanceof SecureDirectoryStream<Path> secureRoot)) {
                throw new AttachRefusedException(
                        "this platform cannot open directories without following links (no openat): refused");
            }
            return new TargetTmp((SecureDirectoryStream<Path>)
                    secureRoot.newDirectoryStream(Path.of("tmp"), LinkOption.NOFOLLOW_LINKS));
        } catch (NoSuchFileException e) {
            throw new AttachRefusedException(
                    "the container has no /tmp, where HotSpot creates its attach socket: give it a writable /tmp (--tmpfs /tmp, an emptyDir)");
        } catch (NotDirectoryException e) {
            throw new AttachRefusedException("/tmp in the container is not a directory: refused");
        } catch (FileSystemException e) {
            // ELOOP from O_NOFOLLOW: the container made /tmp a symlink
            throw new AttachRefusedException(
                    "/tmp in the container is not a real directory (" + e.getReason() + "; a symlink?): refused");
        } catch (IOException e) {
            throw new AttachRefusedException("cannot open the container's /tmp through /proc/" + hostPid + "/root: " + e
                    + " (the sidecar needs CAP_SYS_PTRACE and the host PID namespace)");
        }
    }

    PosixFileAttributes attributes() throws IOException {
        return dir.getFileAttributeView(PosixFileAttributeView.class).readAttributes();
    }

    /** Whether uid:gid may create files here (owner, group or other write bit; root may always). */
    boolean writableBy(int uid, int gid) throws IOException {
        if (uid == 0) return true;
        PosixFileAttributes a = attributes();
        Set<PosixFilePermission> p = a.permissions();
        if (a.owner().equals(user(uid))) return p.contains(PosixFilePermission.OWNER_WRITE);
        if (a.group().equals(group(gid))) return p.contains(PosixFilePermission.GROUP_WRITE);
        return p.contains(PosixFilePermission.OTHERS_WRITE);
    }

    /** An entry's own attributes (a symlink's, not its target's); empty if there is none. */
    Optional<PosixFileAttributes> entry(String name) throws IOException {
        try {
            return Optional.of(
                    dir.getFileAttributeView(Path.of(name), PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                            .readAttributes());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /**
     * Creates an empty file that did not exist ({@code O_CREAT|O_EXCL|O_NOFOLLOW}: an entry the container planted,
     * symlink or not, makes this fail), owned by the sidecar's uid, mode 0600. Nothing is done by its name afterwards:
     * a chown would reopen the name, and the container may have swapped a FIFO in (the open then blocks for good).
     * HotSpot only stats the trigger and accepts one owned by root or by its own uid.
     */
    void createFresh(String name) throws IOException {
        dir.newByteChannel(
                        Path.of(name),
                        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                .close();
    }

    /** A channel on an entry of this directory, opened relative to it ({@code openat}) with these permissions. */
    SeekableByteChannel channel(String name, Set<OpenOption> options, Set<PosixFilePermission> permissions)
            throws IOException {
        return dir.newByteChannel(Path.of(name), options, PosixFilePermissions.asFileAttribute(permissions));
    }

    void delete(String name) throws IOException {
        dir.deleteFile(Path.of(name));
    }

    static UserPrincipal user(int uid) throws IOException {
        // a numeric name that no passwd entry has is taken as the uid itself; principals compare by id
        return PRINCIPALS.lookupPrincipalByName(Integer.toString(uid));
    }

    static GroupPrincipal group(int gid) throws IOException {
        return PRINCIPALS.lookupPrincipalByGroupName(Integer.toString(gid));
    }

    @Override
    public void close() throws IOException {
        dir.close();
    }
}
