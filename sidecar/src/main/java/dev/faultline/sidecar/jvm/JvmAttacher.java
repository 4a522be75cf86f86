package dev.faultline.sidecar.jvm;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

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

    /**
     * Loads the agent with {@code agentOptions} (built by the sidecar, never a caller's string). A JVM where Faultline
     * is already loaded is refused, since a second load changes nothing, unless the options are an agent command
     * ({@code cmd=…}, delivered by exactly such a load).
     */
    public Attached attach(JvmProcess process, String agentOptions) throws AttachRefusedException {
        long t0 = System.nanoTime();
        JvmProcess p = probe(process);
        if (p.faultlineLoaded() && !agentOptions.startsWith("cmd=")) {
            throw new AttachRefusedException("Faultline is already loaded in this JVM and a second load changes"
                    + " nothing: control it over its connector");
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
        JvmProcess p;
        try {
            p = finder.inspect(process.hostPid());
        } catch (IOException | IllegalArgumentException e) {
            throw new AttachRefusedException("process " + process.hostPid() + " is gone");
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
        return p;
    }
}
