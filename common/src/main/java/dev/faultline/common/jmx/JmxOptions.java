package dev.faultline.common.jmx;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The remote connector's options, the same for the agent and the sidecar, and the one safety rule both obey:
 * credentials always (a generated password when the operator gives none); no authentication only when asked
 * for explicitly, and only on loopback; beyond loopback the operator's own password file.
 *
 * @param advertise      the host name the RMI stub hands to clients (what they can reach)
 * @param passwordFile   the operator's password file (the JDK's format), or null to generate one
 * @param accessFile     the operator's access file (the JDK's format: {@code user readonly|readwrite}), or null
 * @param authNone       authentication explicitly turned off (loopback only)
 * @param credentialsDir where a generated password file goes
 */
public record JmxOptions(
        String bindHost,
        int port,
        String advertise,
        String passwordFile,
        String accessFile,
        boolean authNone,
        boolean ssl,
        Path credentialsDir) {

    /** How each program spells the options (with the separator before a value), so a refusal names what the operator typed. */
    public record Words(String host, String passwordFile, String accessFile, String authNone) {
        public static final Words AGENT = new Words("jmx.host=", "jmx.auth=", "jmx.access=", "jmx.auth=none");
        public static final Words SIDECAR =
                new Words("--jmx-host ", "--jmx-password-file ", "--jmx-access-file ", "--jmx-auth none");
    }

    /** Refuses an unsafe or contradictory combination with a message naming the option; returns this. */
    public JmxOptions check(Words w) {
        boolean loopback = isLoopback(bindHost);
        if (authNone && (passwordFile != null || accessFile != null)) {
            throw new IllegalArgumentException(w.authNone() + " contradicts "
                    + (passwordFile != null ? w.passwordFile() + passwordFile : w.accessFile() + accessFile)
                    + ": give one or the other");
        }
        if (authNone && !loopback) {
            throw new IllegalArgumentException(w.authNone() + " is allowed only on loopback, and " + w.host() + bindHost
                    + " is not: give " + w.passwordFile() + "<password file> (and preferably TLS)");
        }
        if (!loopback && passwordFile == null) {
            throw new IllegalArgumentException(w.host() + bindHost + " is not loopback: give " + w.passwordFile()
                    + "<password file> (and preferably TLS); a generated password is only for loopback");
        }
        if (accessFile != null && passwordFile == null) {
            throw new IllegalArgumentException(w.accessFile() + accessFile + " names users of a password file: give "
                    + w.passwordFile() + "<file> too");
        }
        return this;
    }

    /** At start-up (not when options are only parsed, e.g. to check a manifest): the files must be there. */
    public JmxOptions requireFiles(Words w) {
        readable(passwordFile, w.passwordFile());
        readable(accessFile, w.accessFile());
        return this;
    }

    public boolean generatesPassword() {
        return !authNone && passwordFile == null;
    }

    public String url() {
        return "service:jmx:rmi:///jndi/rmi://" + advertise + ":" + port + "/jmxrmi";
    }

    public static boolean isLoopback(String host) {
        return host.equals("localhost") || host.equals("::1") || host.equals("[::1]") || host.startsWith("127.");
    }

    private static void readable(String file, String option) {
        if (file != null && !Files.isReadable(Path.of(file))) {
            throw new IllegalArgumentException(option + file + ": no such file, or not readable");
        }
    }
}
