package dev.faultline.cli.command;

import dev.faultline.cli.fleet.CredentialSource;
import dev.faultline.cli.fleet.Target;
import dev.faultline.common.words.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** How to reach and log in to targets, and how to answer: shared by every command that talks JMX. */
public final class ControlPlaneOptions {
    @Option(
            names = "--user",
            description = "the user to log in as: its line in --password-file (default: the file's first user)")
    String user;

    @Option(
            names = "--password-file",
            description = "a password file in the JDK's format (<user> <password> per line), the operator's or a "
                    + "generated jmx-<port>.password; used for every target")
    Path passwordFile;

    @Option(
            names = "--credentials-dir",
            description = "where generated passwords are (jmx-<port>.password per target); repeatable; "
                    + "default ~/.faultline (the agent's default jmx.auth.dir)")
    List<Path> credentialsDirs = new ArrayList<>();

    @Option(
            names = "--timeout",
            defaultValue = "5s",
            description = "bound on each target: connect, log in and answer (default ${DEFAULT-VALUE})")
    String timeout;

    @Option(names = "--json", description = "one JSON document on stdout instead of a table")
    boolean json;

    public Duration timeout() {
        try {
            return Duration.ofNanos(Durations.parseNanos(timeout));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--timeout " + timeout + ": " + e.getMessage());
        }
    }

    public CredentialSource credentials() {
        List<Path> dirs = credentialsDirs.isEmpty()
                ? List.of(Path.of(System.getProperty("user.home"), ".faultline"))
                : credentialsDirs;
        return new CredentialSource(passwordFile, user, dirs);
    }

    public static List<Target> targets(List<String> addresses, Target.Kind kind) {
        List<Target> out = new ArrayList<>();
        if (addresses != null) for (String a : addresses) out.add(Target.parse(a, kind));
        return out;
    }
}
