package dev.faultline.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three JVMs with the real agent jar and two real sidecar daemons, each with its generated password; the CLI run
 * from its built jar as a separate process arms faults on the three agents at once, then {@code halt-all} over all
 * five plus one port nothing listens on (and one that accepts but never answers) exits 1 naming those, and
 * everything else is cleared, as checked over JMX apart from the CLI.
 */
class HaltAllIT {
    static final String AGENT = "dev.faultline:type=Agent";
    static final String SIDECAR = "dev.faultline:type=Sidecar";
    static final List<Process> processes = new ArrayList<>();
    static final List<Integer> agentPorts = new ArrayList<>();
    static final List<Integer> sidecarPorts = new ArrayList<>();
    static final List<Path> sidecarDirs = new ArrayList<>();
    static Path agentDir;

    @BeforeAll
    static void start() throws Exception {
        agentDir = Files.createTempDirectory("faultline-cli-agents");
        for (int i = 0; i < 3; i++) {
            int port = Processes.freePort();
            agentPorts.add(port);
            processes.add(Processes.agent(port, agentDir));
        }
        for (int i = 0; i < 2; i++) {
            int port = Processes.freePort();
            Path dir = Files.createTempDirectory("faultline-cli-sidecar");
            sidecarPorts.add(port);
            sidecarDirs.add(dir);
            processes.add(Processes.sidecar(port, dir));
        }
        for (int port : agentPorts) Processes.await(port, agentDir).close();
        for (int i = 0; i < 2; i++)
            Processes.await(sidecarPorts.get(i), sidecarDirs.get(i)).close();
    }

    @AfterAll
    static void stop() {
        for (Process p : processes) p.destroyForcibly();
    }

    List<String> credentialArgs() {
        List<String> a = new ArrayList<>(List.of("--credentials-dir", agentDir.toString()));
        for (Path d : sidecarDirs) a.addAll(List.of("--credentials-dir", d.toString()));
        return a;
    }

    List<String> jmx(String option, List<Integer> ports) {
        List<String> a = new ArrayList<>();
        for (int p : ports) a.addAll(List.of(option, "127.0.0.1:" + p));
        return a;
    }

    @Test
    void armsThreeAgentsAtOnceThenHaltAllClearsEveryReachableTargetAndNamesTheOthers() throws Exception {
        List<String> add = new ArrayList<>(List.of("agent", "add"));
        add.addAll(jmx("--jmx", agentPorts));
        add.addAll(credentialArgs());
        add.addAll(List.of("--json", "latency", "on=connect", "port=1", "delay=1ms", "ttl=5m"));
        Processes.Run armed = Processes.cli(add.toArray(String[]::new));
        System.out.println("agent add to 3 agents: " + armed.millis() + " ms (one CLI process, JVM start included)");
        assertEquals(0, armed.exit(), armed.out() + armed.err());
        assertEquals(3, count(armed.out(), "\"operation\":\"add\",\"ok\":true"), armed.out());
        for (int port : agentPorts) {
            try (JMXConnector c = Processes.await(port, agentDir)) {
                assertEquals(Boolean.TRUE, c.getMBeanServerConnection().getAttribute(new ObjectName(AGENT), "Armed"));
                assertEquals(1, ((String[]) Processes.invoke(c, AGENT, "list")).length);
            }
        }

        int dead = Processes.freePort(); // nothing listens there
        try (ServerSocket silent = new ServerSocket(0)) { // accepts, never answers: a hung process or a black hole
            Thread accepter = acceptForever(silent);
            // as a process that died (or hangs) leaves them: its generated password is still there
            Files.writeString(agentDir.resolve("jmx-" + dead + ".password"), "faultline stale\n");
            Files.writeString(
                    sidecarDirs.get(0).resolve("jmx-" + silent.getLocalPort() + ".password"), "faultline stale\n");
            List<String> halt = new ArrayList<>(List.of("halt-all"));
            halt.addAll(jmx("--jmx", agentPorts));
            halt.addAll(List.of("--jmx", "127.0.0.1:" + dead));
            halt.addAll(jmx("--sidecar-jmx", sidecarPorts));
            halt.addAll(List.of("--sidecar-jmx", "127.0.0.1:" + silent.getLocalPort()));
            halt.addAll(credentialArgs());
            Processes.Run run = Processes.cli(halt.toArray(String[]::new));
            accepter.interrupt();
            System.out.println("halt-all over 3 agents + 2 sidecars + 1 refused port + 1 silent port: exit "
                    + run.exit() + " in " + run.millis() + " ms (JVM start included; bound per target 5 s)\n"
                    + run.out() + run.err());
            assertEquals(1, run.exit(), run.out() + run.err());
            assertTrue(run.err().contains("127.0.0.1:" + dead) && run.err().contains("connection refused"), run.err());
            assertTrue(
                    run.err().contains("127.0.0.1:" + silent.getLocalPort())
                            && run.err().contains("no answer within 5000 ms"),
                    run.err());
            assertTrue(run.err().contains("2 of 7 targets did not confirm"), run.err());
            assertTrue(run.millis() < 12_000, "a silent target must cost the bound, not more: " + run.millis() + " ms");
            for (int port : agentPorts) {
                assertTrue(
                        run.out()
                                .lines()
                                .anyMatch(l -> l.startsWith("127.0.0.1:" + port + " ")
                                        && l.contains(" ok ")
                                        && l.endsWith("cleared 1")),
                        run.out());
            }
            for (int port : sidecarPorts) {
                assertTrue(
                        run.out()
                                .lines()
                                .anyMatch(l -> l.startsWith("127.0.0.1:" + port + " ")
                                        && l.contains(" ok ")
                                        && l.endsWith("stopped 0")),
                        run.out());
            }
        }

        for (int port : agentPorts) { // independently of the CLI
            try (JMXConnector c = Processes.await(port, agentDir)) {
                assertEquals(Boolean.FALSE, c.getMBeanServerConnection().getAttribute(new ObjectName(AGENT), "Armed"));
                assertEquals(0, ((String[]) Processes.invoke(c, AGENT, "list")).length);
            }
        }
        for (int i = 0; i < 2; i++) {
            try (JMXConnector c = Processes.await(sidecarPorts.get(i), sidecarDirs.get(i))) {
                assertEquals(0, ((String[]) Processes.invoke(c, SIDECAR, "list")).length);
            }
        }
    }

    @Test
    void wrongPasswordAndWrongKindAreNamedPerTarget() throws Exception {
        Path wrong = Files.createTempFile("faultline-wrong", ".password");
        Files.writeString(wrong, "faultline not-the-password\n");
        Processes.Run refused = Processes.cli(
                "agent", "list", "--jmx", "127.0.0.1:" + agentPorts.get(0), "--password-file", wrong.toString());
        assertEquals(1, refused.exit(), refused.out() + refused.err());
        assertTrue(
                refused.err().contains("agent 127.0.0.1:" + agentPorts.get(0))
                        && refused.err().contains("authentication refused"),
                refused.err());

        List<String> wrongKind = new ArrayList<>(List.of("sidecar", "list", "--jmx", "127.0.0.1:" + agentPorts.get(1)));
        wrongKind.addAll(credentialArgs());
        Processes.Run kind = Processes.cli(wrongKind.toArray(String[]::new));
        assertEquals(1, kind.exit(), kind.out() + kind.err());
        assertTrue(kind.err().contains("no dev.faultline:type=Sidecar MBean there"), kind.err());

        Processes.Run usage = Processes.cli("agent", "add", "--jmx", "nonsense", "latency");
        assertEquals(2, usage.exit(), usage.out() + usage.err());
        assertTrue(usage.err().contains("--jmx nonsense"), usage.err());
    }

    private static Thread acceptForever(ServerSocket s) {
        Thread t = new Thread(() -> {
            List<Socket> held = new ArrayList<>();
            try {
                while (true) held.add(s.accept());
            } catch (IOException e) {
                // closed
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) n++;
        return n;
    }
}
