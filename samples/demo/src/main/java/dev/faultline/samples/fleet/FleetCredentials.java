package dev.faultline.samples.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

/**
 * The JMX password a fleet's agents require: a fresh random one per fleet, in a password file (the JDK's format)
 * that only its owner can read, removed with the fleet. Operators' clients log in with {@link #asArray()}.
 */
final class FleetCredentials {
    static final String USER = "operator";

    private final Path file;
    private final String password = UUID.randomUUID().toString().replace("-", "");

    FleetCredentials(Path dir) {
        try {
            Files.createDirectories(dir);
            file = dir.resolve("jmx.password");
            Files.deleteIfExists(file);
            try {
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
            }
            Files.writeString(file, USER + " " + password + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path file() {
        return file;
    }

    String[] asArray() {
        return new String[] {USER, password};
    }

    void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover file in a private temp dir gives nobody anything: the fleet's agents are gone
        }
    }
}
