package dev.faultline.cli.fleet;

import dev.faultline.common.jmx.Credentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Which user and password log in to a target: the operator's password file (the JDK's format, the line of
 * {@code --user} or the first), else the generated {@code jmx-<port>.password} in one of the credential directories.
 */
public record CredentialSource(Path passwordFile, String user, List<Path> dirs) {
    public Credentials forTarget(Target t) throws IOException {
        if (passwordFile != null) return read(passwordFile, user);
        for (Path dir : dirs) {
            Path file = Credentials.generatedFile(dir, t.port());
            if (Files.isReadable(file)) return read(file, user);
        }
        throw new IOException("no credentials: no " + Credentials.generatedFile(Path.of(""), t.port()) + " in " + dirs
                + "; give --password-file or --credentials-dir");
    }

    static Credentials read(Path file, String user) throws IOException {
        if (!Files.isReadable(file))
            throw new IOException("--password-file " + file + ": no such file, or not readable");
        if (user == null) return Credentials.read(file);
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            String[] w = l.split("\\s+");
            if (w.length >= 2 && w[0].equals(user)) return new Credentials(w[0], w[1]);
        }
        throw new IOException(file + ": no line for user '" + user + "'");
    }
}
