package dev.faultline.sidecar.jvm;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;

/**
 * Loads the sidecar's agent into a JVM in a container: a fresh preflight, HotSpot's attach listener started if needed,
 * the version and Faultline's state read before anything is loaded, then the jar put into the container's /tmp
 * for the length of the load ({@link AgentDelivery}) and loaded. Either it returns what the target answered, or it throws {@link AttachRefusedException} with one line.
 */
public final class JvmAttacher {
    /** The listener normally starts within milliseconds of the SIGQUIT; past this the refusal says so. */
    static final Duration LISTENER_WAIT = Duration.ofMillis(1500);

    static final Duration PROPERTIES_TIMEOUT = Duration.ofSeconds(2);
    /** The agent's agentmain runs before load answers: with a faults= file it arms them first (1-2 s seen). */
    static final Duration LOAD_TIMEOUT = Duration.ofSeconds(20);

    private final JvmFinder finder;
    private final Path agentJar;

    public JvmAttacher() {
        this(new JvmFinder(), null);
    }

    JvmAttacher(JvmFinder finder, Path agentJar) {
        this.finder = finder;
        this.agentJar = agentJar;
    }

    /** What an attach did. */
    public record Attached(JvmProcess process, String reply, long millis) {}

    /** Set by the agent once it serves JMX on a unix socket: its directory. */
    static final String UNIX_PROPERTY = "dev.faultline.agent.jmx.unix";

    private static final Set<String> UNIX_KEYS = Set.of("jmx.unix", "jmx.unix.secret");

    /**
     * Loads the agent with {@code agentOptions} (built by the sidecar, never a caller's string). A JVM where Faultline
     * is already loaded is refused, since a second load changes nothing, unless the options are an agent command
     * ({@code cmd=…}, delivered by exactly such a load) or start the unix-socket connector
     * ({@code jmx.unix=…,jmx.unix.secret=…} and nothing else): in a JVM that serves none yet (one started with
     * {@code -javaagent}), or that serves one in another directory (made by a sidecar that has ended: the agent
     * replaces it).
     */
    public Attached attach(JvmProcess process, String agentOptions) throws AttachRefusedException {
        long t0 = System.nanoTime();
        Probed probed = probed(process);
        JvmProcess p = probed.process();
        if (p.faultlineLoaded() && !agentOptions.startsWith("cmd=")) {
            String served = probed.properties().getProperty(UNIX_PROPERTY);
            if (!onlyStartsUnixJmx(agentOptions)) {
                throw new AttachRefusedException("Faultline is already loaded in this JVM and a second load changes"
                        + " nothing: control it over its connector"
                        + (served == null ? " (jmx.unix=<dir>,jmx.unix.secret=<secret> alone starts one)" : ""));
            }
            if (served != null && served.equals(unixDir(agentOptions))) {
                throw new AttachRefusedException("Faultline already serves JMX on a unix socket in "
                        + HotSpotAttach.echo(served) + " in this JVM: connect there");
            }
            // served elsewhere: by a sidecar that has ended or crashed (only it knew that secret); the agent replaces
            // it
        }
        Path jar = agentJar != null ? agentJar : AgentJar.bundled();
        String reply;
        try (AgentDelivery delivery = AgentDelivery.handOff(p, jar)) {
            reply = new HotSpotAttach(p).loadAgent(delivery.pathInTarget(), agentOptions, LOAD_TIMEOUT);
        }
        return new Attached(p.withProperties(p.javaVersion(), true), reply, (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * The process as it is now, with its Java version and whether Faultline is loaded, read over HotSpot's attach
     * socket: a fresh preflight, then the listener started if it is not up (one SIGQUIT; its socket stays in the
     * container's /tmp, as after any attach). Loads nothing; refused below Java 17 or when the preflight fails.
     */
    public JvmProcess probe(JvmProcess process) throws AttachRefusedException {
        return probed(process).process();
    }

    /** A probed process and the properties it was described from. */
    private record Probed(JvmProcess process, Properties properties) {}

    /** The value of {@code jmx.unix=} in options the sidecar built, or null. */
    static String unixDir(String agentOptions) {
        for (String part : agentOptions.split(",")) {
            if (part.startsWith("jmx.unix=")) return part.substring("jmx.unix=".length());
        }
        return null;
    }

    /** Whether the options are {@code jmx.unix}, perhaps with {@code jmx.unix.secret}, and nothing else. */
    static boolean onlyStartsUnixJmx(String agentOptions) {
        Set<String> keys = new HashSet<>();
        for (String part : agentOptions.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) return false;
            keys.add(part.substring(0, eq).trim());
        }
        // the secret in the options (faultline attach's way) or in the directory's jmx.secret (the sidecar's)
        return keys.equals(UNIX_KEYS) || keys.equals(Set.of("jmx.unix"));
    }

    private Probed probed(JvmProcess process) throws AttachRefusedException {
        JvmProcess p;
        try {
            p = finder.inspect(process.hostPid());
        } catch (IOException | IllegalArgumentException e) {
            throw new AttachRefusedException("process " + process.hostPid() + " is gone");
        }
        if (p.startTime() != process.startTime()) {
            throw new AttachRefusedException(
                    "process " + process.hostPid() + " is not the JVM listed (started at " + p.startTime()
                            + " ticks, not " + process.startTime() + "): its PID was reused; nothing sent to it");
        }
        if (p.nsPid() != process.nsPid() || p.uid() != process.uid()) {
            throw new AttachRefusedException("process " + process.hostPid() + " is not the one listed any more");
        }
        if (!p.attachable()) throw new AttachRefusedException(p.refusal());
        HotSpotAttach attach = new HotSpotAttach(p);
        attach.startListener(LISTENER_WAIT);
        Properties props = attach.properties(PROPERTIES_TIMEOUT);
        p = JvmFinder.withProperties(p, props);
        if (!p.attachable()) throw new AttachRefusedException(p.refusal());
        return new Probed(p, props);
    }
}
