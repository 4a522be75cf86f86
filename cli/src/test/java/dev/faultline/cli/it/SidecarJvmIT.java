package dev.faultline.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.cli.experiment.ExperimentFile;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sidecar's jvm verbs through the operator CLI, from its built jar as a separate process: a real sidecar daemon
 * and, in one shell-less FROM-scratch JRE 17 container (uid 4321, no passwd entry), the jvm verbs ITs' service that
 * times its own connections to itself and prints {@code EVENT ok|slow|error:…} when that changes (the sidecar's test
 * classes mounted at /app). {@code halt-all} clears what the daemon armed in the JVM it attached to; an experiment
 * file arms a jvm fault, leased, and its rollback clears it. One container and one daemon for the class.
 */
class SidecarJvmIT {
    static final String JRE17 = "faultline/jre17-scratch:local";
    static final String SERVICE = "dev.faultline.sidecar.jvmcontrol.SelfCallingService";
    /** The sidecar's test classes, built before this module: the service the sidecar's own jvm ITs measure with. */
    static final String SERVICE_CLASSES = System.getProperty(
            "faultline.sidecar.test-classes", new File("../sidecar/target/test-classes").getAbsolutePath());
    /** One word holding spaces, as a shell gives a quoted spec: the CLI keeps it one word for the daemon. */
    static final String ERROR = "error on=connect port=8080";
    /** In the experiment file: a spec the user quoted inside its word (the older way) goes as it is. */
    static final String LATENCY = "\"latency on=connect port=8080 delay=300ms\"";

    static SidecarTarget target;

    @BeforeAll
    static void start() throws Exception {
        Path service = Path.of(SERVICE_CLASSES, SERVICE.replace('.', '/') + ".class");
        if (!Files.exists(service))
            throw new AssertionError("no " + service + ": build the sidecar's test classes first (mvn -pl cli -am)");
        target = SidecarTarget.require(
                JRE17,
                List.of(
                        "--user",
                        "4321:4321",
                        "-v",
                        SERVICE_CLASSES + ":/app:ro",
                        JRE17,
                        "java",
                        "-cp",
                        "/app",
                        SERVICE,
                        "8080"));
        awaitEvent("EVENT ok", 0, 60_000);
    }

    @AfterAll
    static void stop() throws Exception {
        if (target != null) target.close();
    }

    static String logs() {
        return SidecarTarget.exec("docker", "logs", target.container);
    }

    /** The service's own events after the first {@code from} characters of its log. */
    static List<String> events(int from) {
        String log = logs();
        return Arrays.stream(log.substring(Math.min(from, log.length())).split("\n"))
                .filter(l -> l.startsWith("EVENT "))
                .toList();
    }

    static long awaitEvent(String prefix, int from, long withinMs) throws InterruptedException {
        long t0 = System.nanoTime();
        while (events(from).stream().noneMatch(l -> l.startsWith(prefix))) {
            if ((System.nanoTime() - t0) / 1_000_000 > withinMs)
                throw new AssertionError("no '" + prefix + "' in " + withinMs + " ms: " + logs());
            Thread.sleep(20);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    static long awaitLast(String prefix, long withinMs) throws InterruptedException {
        long t0 = System.nanoTime();
        while (true) {
            List<String> e = events(0);
            if (!e.isEmpty() && e.get(e.size() - 1).startsWith(prefix)) return (System.nanoTime() - t0) / 1_000_000;
            if ((System.nanoTime() - t0) / 1_000_000 > withinMs)
                throw new AssertionError("the last event is not '" + prefix + "' after " + withinMs + " ms: " + e);
            Thread.sleep(20);
        }
    }

    static List<String> sidecarRun(String... words) {
        List<String> cmd = new ArrayList<>(List.of(
                "sidecar",
                "run",
                "--jmx",
                "127.0.0.1:" + target.jmxPort,
                "--credentials-dir",
                target.dir.toString(),
                "--"));
        cmd.addAll(List.of(words));
        return cmd;
    }

    /** Waits until the daemon's list() has a line that {@code wanted}; all its lines. */
    static String awaitListed(Predicate<String> wanted, long withinMs) throws Exception {
        long t0 = System.nanoTime();
        while (true) {
            String listed = String.join("\n", target.list());
            if (listed.lines().anyMatch(wanted)) return listed;
            if ((System.nanoTime() - t0) / 1_000_000 > withinMs)
                throw new AssertionError("not in list() after " + withinMs + " ms:\n" + listed);
            Thread.sleep(50);
        }
    }

    /**
     * {@code faultline sidecar run -- jvm … fault} attaches and arms for five minutes; {@code faultline halt-all}
     * ends it: the service's own connections are back to normal, and the agent holds no fault (a {@code jvm clear}
     * over the daemon's connection to it counts none).
     */
    @Test
    void haltAllClearsTheFaultsArmedInAnAttachedAgent() throws Exception {
        int from = logs().length();
        Processes.Run armed = Processes.cli(sidecarRun("jvm", "--duration", "5m", "fault", ERROR, target.container)
                .toArray(String[]::new));
        assertEquals(0, armed.exit(), armed.out() + armed.err());
        // the CLI returns once the fault is armed (the attach included): list() shows it at once
        String listed = String.join("\n", target.list());
        assertTrue(listed.lines().anyMatch(l -> l.contains("  armed ")), "armed when the CLI returned:\n" + listed);
        System.out.println("[sidecar-jvm-it] sidecar run -- jvm fault: exit 0 in " + armed.millis() + " ms");
        awaitEvent("EVENT error:ConnectException", from, 5_000);

        Processes.Run halt = Processes.cli(
                "halt-all", "--sidecar-jmx", "127.0.0.1:" + target.jmxPort, "--credentials-dir", target.dir.toString());
        System.out.println("[sidecar-jvm-it] halt-all: exit " + halt.exit() + " in " + halt.millis() + " ms\n"
                + halt.out() + halt.err());
        assertEquals(0, halt.exit(), halt.out() + halt.err());
        long back = awaitLast("EVENT ok", 5_000);
        System.out.println("[sidecar-jvm-it] the service's connections ok " + back + " ms after halt-all returned");
        Thread.sleep(500);
        assertTrue(
                events(0).get(events(0).size() - 1).startsWith("EVENT ok"),
                events(0).toString());

        assertAgentHoldsNoFault();
    }

    /** A {@code jvm clear} through the daemon, over its connection to the agent, finds nothing to clear. */
    static void assertAgentHoldsNoFault() throws Exception {
        Processes.Run clear =
                Processes.cli(sidecarRun("jvm", "clear", target.container).toArray(String[]::new));
        assertEquals(0, clear.exit(), clear.out() + clear.err());
        // the experiment id run() answered, last on the CLI's row for the daemon: this clear's line in list()
        String row = clear.out()
                .lines()
                .filter(l -> l.contains(" sidecar ") && l.contains(" ok "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no answer: " + clear.out()));
        String id = row.substring(row.lastIndexOf(' ') + 1);
        String listed = awaitListed(l -> l.startsWith(id + "  ") && l.contains("  cleared "), 10_000);
        assertTrue(
                listed.lines()
                        .anyMatch(l -> l.startsWith(id + "  ") && l.endsWith("cleared 0 fault(s) over the connection")),
                "the agent held no fault:\n" + listed);
    }

    /**
     * An experiment file whose method arms a latency fault in the container's JVM through the daemon (leased: the
     * runner adds {@code --duration}) and whose rollback is {@code jvm clear}: the service's own connections were slow
     * during the run and are fast after it, and the agent holds no fault. {@code sidecar run} returns once the daemon took the command; the attach
     * and the arming follow (3.8 s measured on a loaded 2-core machine), so the pause after it is 8 s.
     */
    @Test
    void anExperimentFileArmsAJvmFaultLeasedAndItsRollbackClearsIt() throws Exception {
        String sidecar = "\"sidecar\", \"run\", \"--jmx\", \"127.0.0.1:%d\", \"--credentials-dir\", \"%s\", \"--\""
                .formatted(target.jmxPort, target.dir);
        String experiment = """
                {"title": "the service's connections are slow while its JVM is shaped", "description": "jvm through the sidecar",
                 "steady-state-hypothesis": {"title": "the host answers", "probes": [
                   {"type": "probe", "name": "true", "tolerance": 0, "provider": {"type": "process", "path": "true"}}]},
                 "method": [
                   {"type": "action", "name": "slow-connects", "pauses": {"after": 8},
                    "provider": {"type": "process", "path": "faultline",
                                 "arguments": [%s, "jvm", "fault", %s, "%s"]}}],
                 "rollbacks": [
                   {"type": "action", "name": "clear-jvm",
                    "provider": {"type": "process", "path": "faultline", "arguments": [%s, "jvm", "clear", "%s"]}}]}
                """.formatted(sidecar, quotedJson(LATENCY), target.container, sidecar, target.container);
        Path file = Files.writeString(target.dir.resolve("jvm-experiment.json"), experiment);
        Path journalFile = target.dir.resolve("jvm-journal.json");
        int from = logs().length();
        Processes.Run run =
                Processes.cli("experiment", "run", file.toString(), "--journal-path", journalFile.toString());
        System.out.println("[sidecar-jvm-it] experiment run: exit " + run.exit() + " in " + run.millis() + " ms\n"
                + run.out() + run.err());
        assertEquals(0, run.exit(), run.out() + run.err());
        List<String> during = events(from);
        assertTrue(
                during.stream().anyMatch(e -> e.startsWith("EVENT slow")), "slow connects during the run: " + during);
        awaitLast("EVENT ok", 5_000);

        Map<?, ?> journal = (Map<?, ?>) ExperimentFile.parse(Files.readString(journalFile));
        assertEquals("completed", journal.get("status"), journal.toString());
        Map<?, ?> action = (Map<?, ?>) ((List<?>) journal.get("run")).get(0);
        String sent = (String) ((Map<?, ?>) action.get("output")).get("sent");
        assertTrue(
                sent.matches("jvm --duration \\d+s fault " + Pattern.quote(LATENCY) + " " + target.container),
                "sent leased: " + sent);
        Map<?, ?> rollback = (Map<?, ?>) ((List<?>) journal.get("rollbacks")).get(0);
        assertEquals("succeeded", rollback.get("status"), rollback.toString());
        // sidecar run returns once the daemon took the command: the rollback's clear and the run's clean-up (stop(id)
        // of the fault's experiment) race, and either removes the fault; the journal says the clean-up held
        List<?> cleanup = (List<?>) journal.get("cleanup");
        assertTrue(!cleanup.isEmpty(), journal.toString());
        for (Object c : cleanup) assertEquals(Boolean.TRUE, ((Map<?, ?>) c).get("removed"), c.toString());
        assertAgentHoldsNoFault();
    }

    /** A JSON string holding {@code s}. */
    static String quotedJson(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
