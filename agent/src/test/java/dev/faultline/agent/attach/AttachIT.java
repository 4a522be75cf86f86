package dev.faultline.agent.attach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.agent.it.ForkedService;
import dev.faultline.agent.it.Jdks;
import dev.faultline.agent.method.MethodServiceApp;
import dev.faultline.agent.method.Operator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code java -jar faultline-agent.jar list|attach} against a service started WITHOUT the agent, on JDK 17 and 25
 * (the target runs with -XX:+EnableDynamicAgentLoading, as the docs ask on JDK 21+); then a method fault and
 * clear() over the JMX port the attach opened; then second attaches: refused with the reason, or cmd=clear.
 */
class AttachIT {
    static final String INVENTORY = "dev.faultline.agent.method.fixture.Inventory";

    static List<Jdks.Jdk> jdks() {
        return Jdks.all();
    }

    record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\nout: " + out + "\nerr: " + err;
        }
    }

    static Run cli(Jdks.Jdk jdk, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(jdk.java(), "-jar", ForkedService.AGENT_JAR));
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the CLI finished: " + cmd);
        return new Run(
                p.exitValue(),
                new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    static ForkedService target(Jdks.Jdk jdk, String... args) throws Exception {
        return ForkedService.builder(jdk)
                .withoutAgent()
                .jvmArg("-XX:+EnableDynamicAgentLoading")
                .main(MethodServiceApp.class.getName(), args)
                .readyLine("READY")
                .start();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void attachToARunningJvmThenAMethodFaultThenClear(Jdks.Jdk jdk) throws Exception {
        String tag = "attach-it-" + jdk + "-" + System.nanoTime();
        try (ForkedService svc = target(jdk, tag)) {
            long pid = svc.process().pid();
            assertTrue(svc.send("inventory").startsWith("OK "), "no agent, no fault");

            Run list = cli(jdk, "list");
            assertEquals(0, list.code(), list.toString());
            assertTrue(
                    list.out().contains(pid + "\t" + MethodServiceApp.class.getName() + " " + tag),
                    "list shows the target: " + list);

            int port = ForkedService.freePort();
            Run attach = cli(
                    jdk,
                    "attach",
                    String.valueOf(pid),
                    "jmx.port=" + port + ",jmx.auth.dir=" + ForkedService.CREDENTIALS_DIR);
            assertEquals(0, attach.code(), attach.toString());
            assertTrue(attach.out().contains("loaded into " + pid), attach.toString());

            try (Operator op = Operator.connect(port)) {
                String id = op.add("error on=method class=" + INVENTORY
                        + " method=count exception=java.lang.IllegalStateException message=attached");
                assertTrue(id.startsWith("f"), id);
                String a = svc.send("inventory");
                assertTrue(
                        a.startsWith("ERR java.lang.IllegalStateException message=attached"),
                        "the method fault works after attach: " + a);
                assertEquals(1, op.clear());
                assertTrue(svc.send("inventory").startsWith("OK "), "clear() put the method back");
                assertEquals(0, op.list().length);
            }

            // by a unique part of its name this time: the agent is there already; a new jmx.port cannot be honoured,
            // and the attach fails saying so
            Run again = cli(jdk, "attach", tag, "jmx.port=" + ForkedService.freePort());
            assertEquals(1, again.code(), again.toString());
            assertTrue(
                    again.err().contains(pid + " refused the attach")
                            && again.err().contains("jmx.port=")
                            && again.err().contains("cannot change after its first load"),
                    again.toString());
            Run nothing = cli(jdk, "attach", String.valueOf(pid));
            assertEquals(1, nothing.code(), nothing.toString());
            assertTrue(nothing.err().contains("this attach changes nothing"), nothing.toString());

            // the kill switch over the attach mechanism alone: a fault armed over JMX, disarmed by cmd=clear
            try (Operator op = Operator.connect(port)) {
                op.add("error on=method class=" + INVENTORY
                        + " method=count exception=java.lang.IllegalStateException");
                assertTrue(svc.send("inventory").startsWith("ERR "), "armed again");
                Run clear = cli(jdk, "attach", String.valueOf(pid), "cmd=clear");
                assertEquals(0, clear.code(), clear.toString());
                assertTrue(clear.out().contains("did: cmd=clear"), clear.toString());
                assertTrue(svc.send("inventory").startsWith("OK "), "cmd=clear put the method back");
                assertEquals(0, op.list().length);
            }
            assertTrue(svc.process().isAlive());
            assertFalse(
                    svc.stderr().contains("A Java agent has been loaded dynamically"),
                    "no dynamic-agent warning with the flag: " + svc.stderr());
            assertTrue(
                    svc.stderrShows("(attached)", Duration.ofSeconds(10))
                            && svc.stderr().contains("faultline agent"),
                    "the target's log says it was attached: " + svc.stderr());
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void unknownPidAndAmbiguousOrUnknownNamesAreClearErrors(Jdks.Jdk jdk) throws Exception {
        String tag = "ambiguous-" + jdk + "-" + System.nanoTime();
        try (ForkedService one = target(jdk, tag + "-a");
                ForkedService two = target(jdk, tag + "-b")) {
            Run ambiguous = cli(jdk, "attach", tag);
            assertEquals(1, ambiguous.code(), ambiguous.toString());
            assertTrue(
                    ambiguous.err().contains("ambiguous")
                            && ambiguous
                                    .err()
                                    .contains(String.valueOf(one.process().pid()))
                            && ambiguous
                                    .err()
                                    .contains(String.valueOf(two.process().pid())),
                    ambiguous.toString());

            Run none = cli(jdk, "attach", "no-such-service-" + System.nanoTime());
            assertEquals(1, none.code(), none.toString());
            assertTrue(none.err().contains("no JVM whose name contains"), none.toString());

            long dead = deadPid();
            Run unknown = cli(jdk, "attach", String.valueOf(dead));
            assertEquals(1, unknown.code(), unknown.toString());
            assertTrue(unknown.err().contains("no process with pid " + dead), unknown.toString());

            Run usage = cli(jdk, "frobnicate");
            assertEquals(2, usage.code(), usage.toString());
            assertTrue(usage.err().contains("usage:"), usage.toString());
        }
    }

    /** The pid of a process that has just ended. */
    static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }
}
