package dev.faultline.agent;

import dev.faultline.agent.bootstrap.Exemption;
import dev.faultline.agent.bootstrap.FaultRule;
import dev.faultline.agent.bootstrap.Hooks;
import dev.faultline.agent.bootstrap.Injections;
import dev.faultline.agent.bootstrap.InternalErrors;
import dev.faultline.agent.bootstrap.Pause;
import dev.faultline.agent.bootstrap.PlatformServerWatch;
import dev.faultline.agent.bootstrap.ThrowableFactory;
import dev.faultline.agent.fault.FaultRegistry;
import dev.faultline.agent.hook.NetworkFaults;
import dev.faultline.agent.hook.NetworkInstrumentation;
import dev.faultline.agent.jmx.AgentControl;
import dev.faultline.agent.jmx.FaultBeans;
import dev.faultline.agent.log.AgentLog;
import dev.faultline.agent.metrics.MetricsEndpoint;
import dev.faultline.agent.otel.SpanEvents;
import dev.faultline.agent.spec.SpecException;
import dev.faultline.agent.spec.SpecParser;
import dev.faultline.common.jmx.ControlPlane;
import dev.faultline.common.jmx.JmxOptions;
import dev.faultline.common.jmx.RemoteJmx;
import dev.faultline.common.jmx.UnixJmx;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServerFactory;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.dynamic.ClassFileLocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs in the agent's class loader (loaded from inst/): wires the registry, hooks, JMX and metrics. Called once per JVM. */
public final class AgentStarter {
    /** Set to the directory whose {@code jmx.sock} this agent serves, for the sidecar's attach {@code properties}. */
    static final String UNIX_PROPERTY = "dev.faultline.agent.jmx.unix";

    private static volatile FaultRegistry registry;
    /** The first load's options and control plane: what a second attach is checked against and acts on. */
    private static volatile AgentOptions loaded;

    private static final CountDownLatch planeReady = new CountDownLatch(1);
    private static volatile ControlPlane plane;
    private static UnixJmx.Served unix; // guarded by AgentStarter.class

    private AgentStarter() {}

    /** The registry of this JVM's agent, for in-process extensions; null before start. */
    public static FaultRegistry registry() {
        return registry;
    }

    public static void start(String args, Instrumentation inst, boolean dynamic, String jarPath, String version) {
        AgentOptions options;
        try {
            options = AgentOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("[faultline] agent not started, bad option: " + e.getMessage());
            if (dynamic) throw new IllegalArgumentException("agent not started, bad option: " + e.getMessage());
            return;
        }
        if (options.command() != null) {
            String refusal = "cmd=" + options.command() + " is for an agent already loaded; it is not loaded here";
            System.err.println("[faultline] agent not started: " + refusal);
            if (dynamic) throw new IllegalArgumentException(refusal);
            return;
        }
        loaded = options;
        AgentLog.level(options.logLevel());
        // our (relocated) Byte Buddy needs no sun.misc.Unsafe: without this JDK 24+ warns at start-up
        setIfAbsent(ByteBuddy.class.getPackageName() + ".safe", "true");
        Logger log = LoggerFactory.getLogger(AgentStarter.class);
        Logger hookLog = LoggerFactory.getLogger(InternalErrors.class);
        InternalErrors.sink(t -> hookLog.error(
                "internal error on a hook path (network or method); the call proceeded without a fault (logged once)",
                t));
        System.setProperty(FaultlineAgent.STARTED_PROPERTY, version);
        Exemption.exemptLocalPort(options.jmx().port());
        Exemption.exemptLocalPort(options.metricsPort());

        FaultRegistry faults = new FaultRegistry();
        // each injection on the current OpenTelemetry span, where the service has OpenTelemetry (looked for lazily)
        SpanEvents spans = new SpanEvents();
        faults.addListener(spans);
        Injections.listen(spans);
        NetworkFaults network = new NetworkFaults();
        faults.addHandler(network);
        // advice bytes from inst/ through our own loader (the boot search path serves classes, not resources)
        ClassFileLocator adviceBytes = new ClassFileLocator.Compound(
                ClassFileLocator.ForClassLoader.of(AgentStarter.class.getClassLoader()),
                ClassFileLocator.ForClassLoader.ofSystemLoader());
        Extensions.install(faults, inst, adviceBytes);

        preload();
        List<String> fromFile = readFaultsFile(options.faultsFile(), log);
        Runnable install = () -> {
            try {
                long start = System.nanoTime();
                warmUp(network);
                NetworkInstrumentation.install(inst, adviceBytes);
                log.debug("network hooks installed in {} ms", (System.nanoTime() - start) / 1_000_000);
            } catch (Throwable t) {
                log.error("network hooks not installed; network faults cannot act", t);
            }
        };
        if (fromFile.isEmpty()) {
            // nothing to fault yet: Byte Buddy and the network hooks wait for the first network fault, which installs
            // them and then arms (that add() takes that much longer), instead of competing with the service's start-up
            faults.installHooksOnFirstArm(network, install);
            // attached: a fault follows at once (the sidecar's add(), a faults file is not this branch); installing
            // now overlaps the connector's start and the caller's connection
            if (dynamic) faults.installHooksNow();
        } else {
            install.run(); // faults from the file must act before main() runs
            faults.hooksInstalled();
        }
        registry = faults;
        int armedFromFile = armFromFile(faults, fromFile, options.faultsFile(), log);

        Thread control =
                new Thread(() -> startControlPlane(options, faults, version, dynamic, log), "faultline-control");
        control.setDaemon(true);
        control.start();
        log.info(
                "faultline agent {} loaded ({}){}",
                version,
                dynamic ? "attached" : "premain",
                armedFromFile == 0 ? "" : ", " + armedFromFile + " faults armed from " + options.faultsFile());
        // attached: the unix connector is up (or refused, failing the attach) before the attacher hears back
        if (dynamic && options.unixDir() != null) serveUnix(options, log);
    }

    /**
     * A second attach, while this agent is loaded: {@code cmd=clear} disarms everything (the kill switch that needs
     * no connection); {@code jmx.unix=…,jmx.unix.secret=…} serves the connector on a unix socket, replacing one
     * served in another directory. Anything else would change nothing, or could not be honoured now: it fails the attach with why.
     */
    public static void again(String args) {
        AgentOptions first = loaded;
        String version = System.getProperty(FaultlineAgent.STARTED_PROPERTY);
        Logger log = LoggerFactory.getLogger(AgentStarter.class);
        AgentOptions options = AgentOptions.parse(args);
        if ("close".equals(options.command())) {
            closeUnix(log);
            return;
        }
        if ("clear".equals(options.command())) {
            int n = registry.clear();
            log.info("cmd=clear (a second attach): {} faults disarmed", n);
            return;
        }
        List<String> changes = first == null ? List.of() : options.changesFrom(first);
        if (!changes.isEmpty()) {
            throw new IllegalStateException("faultline agent " + version + " is already loaded in this JVM and "
                    + String.join(", ", changes)
                    + " cannot change after its first load; nothing changed (a second attach may give cmd=clear, "
                    + "or jmx.unix=<dir>,jmx.unix.secret=<secret> for a unix socket in another directory)");
        }
        if (options.unixDir() != null) {
            serveUnix(options, log);
            return;
        }
        throw new IllegalStateException("faultline agent " + version
                + " is already loaded in this JVM; this attach changes nothing (cmd=clear disarms every fault; "
                + "jmx.unix=<dir>,jmx.unix.secret=<secret> serves JMX on a unix socket)");
    }

    /**
     * {@code cmd=close}: the sidecar that attached is done with this JVM; its unix connector stops, so nothing of it
     * (the listener's accept thread, the exported objects) stays in the service. Faults armed stay until their ttl
     * or a clear. Nothing served: fails saying so.
     */
    private static synchronized void closeUnix(Logger log) {
        UnixJmx.Served served = unix;
        if (served == null)
            throw new IllegalStateException("no JMX connector on a unix socket is served in this JVM; nothing changed");
        unix = null;
        System.clearProperty(UNIX_PROPERTY);
        try {
            served.stop();
        } catch (IOException e) {
            log.warn("JMX: the unix socket {} stopped, not all removed: {}", served.socket(), e.toString());
        }
        log.info("cmd=close (a second attach): JMX on the unix socket {} stopped", served.socket());
    }

    /**
     * The guarded connector on {@code <jmx.unix>/jmx.sock}. A refusal is logged and thrown: an attach fails naming
     * it; premain's caller only logs it (the service starts anyway).
     */
    private static synchronized void serveUnix(AgentOptions options, Logger log) {
        Path dir = options.unixDir();
        String refusal = null;
        if (unix != null && unix.socket().getParent().equals(dir)) {
            refusal = "JMX is served on " + unix.socket() + " already; this attach changes nothing";
        } else {
            String secret = options.unixSecret();
            if (secret == null) {
                // the sidecar's way: a file only root and this uid can reach, not the options (JFR records those)
                try {
                    secret = UnixJmx.takeSecret(dir);
                } catch (IOException e) {
                    refusal = "jmx.unix=" + dir + " without jmx.unix.secret=<secret> and no usable secret file ("
                            + e.getMessage() + "): a connector nobody could log in to; not started";
                    log.error(refusal);
                    throw new IllegalStateException(refusal);
                }
            }
            try {
                if (!planeReady.await(30, TimeUnit.SECONDS) || plane == null)
                    throw new IOException("the Faultline MBeans are not registered");
                // another directory: a later sidecar takes over (the one that made the first has ended or crashed,
                // and only it knew that secret); the new connector first, so a refusal leaves the old one serving
                UnixJmx.Served previous = unix;
                unix = UnixJmx.serve(dir, secret, plane.remote(), log);
                System.setProperty(UNIX_PROPERTY, dir.toString());
                log.info("JMX: unix socket {} (user {}; address in {})", unix.socket(), UnixJmx.USER, unix.urlFile());
                if (previous != null) {
                    try {
                        previous.stop();
                    } catch (IOException e) {
                        log.warn(
                                "JMX: the unix socket {} replaced, not all removed: {}",
                                previous.socket(),
                                e.toString());
                    }
                    log.info("JMX: unix socket {} replaced by {}", previous.socket(), unix.socket());
                }
                return;
            } catch (IOException | RuntimeException e) {
                refusal = "JMX on a unix socket in " + dir + " not started: " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                refusal = "JMX on a unix socket in " + dir + " not started: interrupted";
            }
        }
        log.error(refusal);
        throw new IllegalStateException(refusal);
    }

    /**
     * All of the file's faults or none. A line can parse and still fail to arm (a class not loaded, a checked
     * exception not declared …): then the faults armed before it are removed again, so a half-read file never
     * leaves, say, a halt armed; the control plane starts either way.
     */
    private static int armFromFile(FaultRegistry faults, List<String> specs, String file, Logger log) {
        List<String> ids = new ArrayList<>();
        for (String spec : specs) {
            try {
                ids.add(faults.arm(spec));
            } catch (RuntimeException e) {
                ids.forEach(faults::remove);
                log.error(
                        "faults file {}: '{}' cannot be armed: {}; no fault from this file is armed",
                        file,
                        spec,
                        e.getMessage());
                return 0;
            }
        }
        return ids.size();
    }

    private static void startControlPlane(
            AgentOptions options, FaultRegistry faults, String version, boolean dynamic, Logger log) {
        ControlPlane plane = ControlPlane.lazy();
        try {
            FaultBeans beans = new FaultBeans(plane);
            beans.registerAgent(new AgentControl(faults, version));
            faults.addListener(beans);
            faults.active().forEach(beans::armed);
        } catch (Exception e) {
            log.error(
                    "could not register the Faultline MBeans; faults from the faults file stay armed until their ttl",
                    e);
            planeReady.countDown();
            return;
        }
        AgentStarter.plane = plane;
        planeReady.countDown();
        if (!dynamic && options.unixDir() != null) {
            try {
                serveUnix(options, log);
            } catch (IllegalStateException logged) {
                // said in the log; the service runs on
            }
        }
        inPlatformServer(plane, dynamic);
        JmxOptions jmx = options.jmx();
        if (jmx.port() > 0) {
            try {
                RemoteJmx.Connector connector =
                        RemoteJmx.start(jmx.requireFiles(JmxOptions.Words.AGENT), plane.remote(), log);
                log.info("JMX: {} (auth: {})", connector.url(), connector.auth());
            } catch (Exception e) {
                log.error("JMX connector on {}:{} not started: {}", jmx.bindHost(), jmx.port(), e.toString());
            }
        }
        if (options.metricsPort() > 0) {
            try {
                MetricsEndpoint.start(options.metricsHost(), options.metricsPort());
                log.info("metrics: http://{}:{}/metrics", options.metricsHost(), options.metricsPort());
            } catch (IOException | RuntimeException e) {
                log.error(
                        "metrics endpoint on {}:{} not started: {}",
                        options.metricsHost(),
                        options.metricsPort(),
                        e.toString());
            }
        }
    }

    /**
     * Our MBeans go into the platform server when it is created, not by creating it: JMX would otherwise cost every
     * service that never uses it ~5 MiB and ~600 classes at start. Attached to a running JVM, or with another
     * {@code MBeanServerBuilder} set, or when some server exists already (the platform one may be it), at once.
     */
    private static void inPlatformServer(ControlPlane plane, boolean dynamic) {
        boolean exists;
        // getPlatformMBeanServer() is static synchronized: holding its lock, no creation is half-way (one that chose
        // the JDK's builder but has not listed its server yet): one before is found here, one after sees the watch
        synchronized (ManagementFactory.class) {
            boolean watched = !dynamic && PlatformServerWatch.watch(plane::platformAppeared);
            exists = !watched || !MBeanServerFactory.findMBeanServer(null).isEmpty();
        }
        if (exists) plane.platformAppeared(ManagementFactory.getPlatformMBeanServer());
    }

    /** All lines are checked before any is armed: a bad file arms nothing. */
    private static List<String> readFaultsFile(String file, Logger log) {
        List<String> specs = new ArrayList<>();
        if (file == null) return specs;
        try {
            List<String> lines = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).trim();
                if (line.isEmpty() || line.startsWith("#")) continue;
                try {
                    SpecParser.parse(line);
                } catch (SpecException e) {
                    log.error(
                            "faults file {} line {}: {}; no fault from this file is armed",
                            file,
                            i + 1,
                            e.getMessage());
                    return List.of();
                }
                specs.add(line);
            }
        } catch (IOException e) {
            log.error("faults file {} unreadable ({}); no fault from it is armed", file, e.toString());
        }
        return specs;
    }

    /**
     * Classes to load before our transformers are registered (OpenTelemetry's {@code AgentInstaller.preloadClasses},
     * byte-buddy#1666): if one of them is first loaded while a transformer runs, and the transformer's code (loaded
     * lazily by our class loader, in Java code) needs it too, that thread gets a {@code ClassCircularityError} —
     * seen in another agent's premain (OpenTelemetry's) running beside our background install.
     */
    private static void preload() {
        for (String name : new String[] {"java.lang.invoke.MethodHandle$1", "java.util.concurrent.ThreadLocalRandom"}) {
            try {
                Class.forName(name, false, null);
            } catch (Throwable ignored) {
                // not in this JDK: nothing to preload
            }
        }
    }

    /**
     * Runs the hook path once before any JDK class calls it, so every class it needs is loaded now and not
     * in the middle of a socket call (where loading could recurse into the hooks).
     */
    private static void warmUp(NetworkFaults network) {
        FaultRule rule = new FaultRule(
                "warm-up",
                SpecParser.parse("latency on=read host=127.0.0.0/8 port=1 delay=0ms every=2 ttl=1m"),
                ThrowableFactory.HOOK_DEFAULT);
        network.arm(rule);
        try {
            Hooks.socketRead(InetAddress.getLoopbackAddress(), 1, 2, 0);
            Hooks.channelRead(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1), null, 0);
        } catch (IOException ignored) {
            // not reached: the gate lets the first call through untouched
        } finally {
            network.disarm(rule);
        }
        Pause.delay(1_000);
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) System.setProperty(key, value);
    }
}
