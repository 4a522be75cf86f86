package dev.faultline.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.tools.attach.VirtualMachine;
import dev.faultline.agent.security.FuzzDriver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The operator's side: remote JMX, the metrics endpoint, the kill switch, gates, the faults file. */
class ControlPlaneIT extends LoopbackHttpFixture {

    static String scrape(int metricsPort) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        return client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void errorsOnEveryPortNeverLockTheOperatorOut(Jdks.Jdk jdk) throws Exception {
        int metrics = ForkedService.freePort();
        try (ForkedService svc =
                ForkedService.builder(jdk).agentArgs("metrics.port=" + metrics).start()) {
            svc.jmx(); // the operator is connected before the faults
            svc.add("error on=connect probability=1.0");
            svc.add("error on=read");
            svc.add("error on=write");
            Answer broken = new Answer(svc.send("jdk-http http://127.0.0.1:" + port + "/"));
            assertTrue(broken.failed(), "the service is cut off: " + broken);
            assertEquals(3, svc.list().length, "the existing JMX session still answers");
            assertTrue((Boolean) svc.attribute("Armed"));
            String body = scrape(metrics);
            assertTrue(body.contains("faultline_active_faults 3.0"), "metrics still answer:\n" + body);
            assertTrue(body.matches("(?s).*faultline_action_injections_total\\{action=\"error\"} [1-9].*"), body);
            assertTrue(
                    body.contains("faultline_fault_injections_total{action=\"error\",fault=\"f1\",on=\"connect\"}"),
                    body);

            // a brand-new JMX connection (new TCP connects and reads) also gets through
            try (JMXConnector fresh = svc.connect()) {
                assertEquals(
                        3,
                        fresh.getMBeanServerConnection()
                                .invoke(ForkedService.AGENT, "clear", new Object[0], new String[0]));
            }
            Answer back = new Answer(svc.send("jdk-http http://127.0.0.1:" + port + "/"));
            assertTrue(back.ok(), "clear() recovers the service: " + back);
            assertFalse((Boolean) svc.attribute("Armed"));
            assertEquals(0L, svc.attribute("InternalErrors"));
            assertEquals(0, svc.attribute("TransformErrors"));
            assertTrue(((Long) svc.attribute("InjectedTotal")) >= 1);
        }
    }

    @Test
    void aBadSpecIsRefusedWholeWithTheTokenNamed() throws Exception {
        try (ForkedService svc = ForkedService.builder(Jdks.current()).start()) {
            Map<String, String> bad = Map.of(
                    "latency on=connect delay=300", "delay=300",
                    "latency on=conect delay=1s", "on=conect",
                    "error on=read port=99999", "port=99999",
                    "error on=read probability=1.5", "probability=1.5",
                    "latency on=read delay=1s colour=red", "colour=red",
                    "error on=read exception=java.lang.Exception", "exception=java.lang.Exception",
                    "error on=read exception=com.acme.NoSuch", "exception=com.acme.NoSuch",
                    "explode on=read", "explode");
            for (Map.Entry<String, String> e : bad.entrySet()) {
                RuntimeMBeanException ex =
                        assertThrows(RuntimeMBeanException.class, () -> svc.add(e.getKey()), e.getKey());
                assertTrue(ex.getCause() instanceof IllegalArgumentException, "a JDK exception type: " + ex.getCause());
                assertTrue(
                        ex.getCause().getMessage().contains(e.getValue()),
                        "message names '" + e.getValue() + "': " + ex.getCause().getMessage());
            }
            assertEquals(0, svc.list().length, "nothing armed");
            assertEquals(
                    0,
                    svc.jmx()
                            .queryNames(new ObjectName("dev.faultline:type=Fault,*"), null)
                            .size());
        }
    }

    @Test
    void gatesCountExactlyUnderConcurrency() throws Exception {
        try (ForkedService svc = ForkedService.builder(Jdks.current()).start()) {
            String target = "connect 127.0.0.1 " + port + " 5000";
            svc.add("error on=connect port=" + port + " limit=7");
            Answer par = new Answer(svc.send("par 400 16 " + target));
            assertTrue(par.line().contains("errors=7 "), "limit=7 under 16 threads: " + par);
            svc.clear();

            svc.add("error on=connect port=" + port + " every=10");
            Answer every = new Answer(svc.send("times 100 " + target));
            assertTrue(every.line().contains("errors=10 "), "every=10 over 100 calls: " + every);
            svc.clear();

            svc.add("error on=connect port=" + port + " probability=0.3 seed=42");
            String first = new Answer(svc.send("pattern 60 " + target)).detail();
            svc.clear();
            svc.add("error on=connect port=" + port + " probability=0.3 seed=42");
            String second = new Answer(svc.send("pattern 60 " + target)).detail();
            svc.clear();
            assertEquals(first, second, "seed=42 repeats the same selection");
            assertTrue(first.contains("1") && first.contains("0"), first);

            svc.add("error on=connect port=" + port + " ttl=1s");
            assertTrue(new Answer(svc.send(target)).failed());
            Thread.sleep(1500);
            assertEquals(0, svc.list().length, "expired by its ttl");
            assertTrue(new Answer(svc.send(target)).ok(), "no fault outlives its ttl");

            svc.add("error on=connect port=" + port + " after=1s");
            assertTrue(new Answer(svc.send(target)).ok(), "not yet started");
            assertTrue(svc.list()[0].contains("starts in"), svc.list()[0]);
            Thread.sleep(1200);
            assertTrue(new Answer(svc.send(target)).failed(), "started after 1 s");
        }
    }

    /**
     * The network hooks wait for the first add(), which installs them through the agent's own transformer (no Byte
     * Buddy AgentBuilder, whose set-up a cold JVM pays seconds for); that add() still faults its first call.
     */
    @Test
    void theHooksAreInstalledByTheFirstAddAndItsFaultActsAtOnce(@TempDir Path dir) throws Exception {
        Path classes = dir.resolve("class-load.log");
        String network = "dev.faultline.agent.hook.NetworkInstrumentation ";
        String transformer = "dev.faultline.agent.instrument.AdviceTransformer ";
        String builder = "dev.faultline.agent.shaded.bytebuddy.agent.builder.AgentBuilder$Default ";
        try (ForkedService svc = ForkedService.builder(Jdks.current())
                .jvmArg("-Xlog:class+load=info:file=" + classes)
                .start()) {
            assertEquals(0, svc.list().length, "the control plane is up");
            String before = Files.readString(classes);
            assertFalse(before.contains(network) || before.contains(transformer), "no network hooks before add()");
            svc.add("error on=connect port=" + port);
            String after = Files.readString(classes);
            assertTrue(after.contains(network) && after.contains(transformer), "the first add() installed the hooks");
            assertFalse(after.contains(builder), "the network hooks need no AgentBuilder");
            assertTrue(
                    new Answer(svc.send("connect 127.0.0.1 " + port + " 1000")).failed(),
                    "the first call after add() is faulted");
        }
    }

    /**
     * Each family installs only its own hooks: a method rule first leaves the network hooks out (it does not wait
     * for them), and the first network fault then installs them and acts on its first call.
     */
    @Test
    void aMethodRuleFirstLeavesTheNetworkHooksToTheFirstNetworkFault(@TempDir Path dir) throws Exception {
        Path classes = dir.resolve("class-load.log");
        String network = "dev.faultline.agent.hook.NetworkInstrumentation ";
        try (ForkedService svc = ForkedService.builder(Jdks.current())
                .jvmArg("-Xlog:class+load=info:file=" + classes)
                .start()) {
            String method = svc.add("latency on=method class=dev.faultline.agent.it.ProbeApp method=timed delay=1ms");
            assertTrue(method.startsWith("f"), method);
            assertFalse(Files.readString(classes).contains(network), "no network hooks for a method rule");
            svc.add("error on=connect port=" + port);
            assertTrue(Files.readString(classes).contains(network), "the first network fault installed them");
            assertTrue(
                    new Answer(svc.send("connect 127.0.0.1 " + port + " 1000")).failed(),
                    "the first call after that add() is faulted");
        }
    }

    @Test
    void faultsFileArmsAtStartAndABadFileArmsNothing(@TempDir Path dir) throws Exception {
        Path good = Files.writeString(
                dir.resolve("faults.txt"),
                "# armed before main() runs\nerror on=connect port=" + port
                        + "\n\nlatency on=dns host=*.example delay=10ms\n");
        try (ForkedService svc = ForkedService.builder(Jdks.current())
                .agentArgs("faults=" + good)
                .start()) {
            assertTrue(new Answer(svc.send("connect 127.0.0.1 " + port + " 1000")).failed());
            assertEquals(2, svc.list().length);
        }
        Path bad = Files.writeString(
                dir.resolve("bad.txt"), "error on=connect port=" + port + "\nlatency on=read delay=fast\n");
        try (ForkedService svc =
                ForkedService.builder(Jdks.current()).agentArgs("faults=" + bad).start()) {
            assertTrue(new Answer(svc.send("connect 127.0.0.1 " + port + " 1000")).ok());
            assertEquals(0, svc.list().length);
            assertTrue(
                    svc.stderrShows("line 2", Duration.ofSeconds(10))
                            && svc.stderr().contains("delay=fast"),
                    svc.stderr());
        }
        // parses, but cannot be armed: the halt before it must not stay armed, and JMX must come up
        Path unarmable = Files.writeString(
                dir.resolve("unarmable.txt"),
                "halt code=7 after=3s\n" + "latency on=method class=com.example.NoSuchClient method=charge delay=1s\n");
        try (ForkedService svc = ForkedService.builder(Jdks.current())
                .agentArgs("faults=" + unarmable)
                .start()) {
            assertEquals(0, svc.list().length, "nothing armed from a file with a line that cannot be armed");
            assertTrue(svc.stderrShows("no class com.example.NoSuchClient", Duration.ofSeconds(10)), svc.stderr());
            Thread.sleep(3500);
            assertTrue(svc.process().isAlive(), "the halt from the file's first line was disarmed");
        }
    }

    @Test
    void passwordFileProtectsTheConnector(@TempDir Path dir) throws Exception {
        Path passwords = Files.writeString(dir.resolve("jmx.password"), "operator s3cret\n");
        Path access = Files.writeString(dir.resolve("jmx.access"), "operator readwrite\n");
        try (ForkedService svc = ForkedService.builder(Jdks.current())
                .agentArgs("jmx.auth=" + passwords + ",jmx.access=" + access)
                .start()) {
            JMXServiceURL url =
                    new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + svc.jmxPort() + "/jmxrmi");
            Thread.sleep(500);
            assertThrows(SecurityException.class, () -> retryConnect(url, Map.of()));
            assertThrows(
                    SecurityException.class,
                    () -> retryConnect(url, Map.of(JMXConnector.CREDENTIALS, new String[] {"operator", "wrong"})));
            try (JMXConnector ok =
                    retryConnect(url, Map.of(JMXConnector.CREDENTIALS, new String[] {"operator", "s3cret"}))) {
                assertEquals(
                        0,
                        ((String[]) ok.getMBeanServerConnection()
                                        .invoke(ForkedService.AGENT, "list", new Object[0], new String[0]))
                                .length);
            }
        }
    }

    @Test
    void tlsConnectorAnswersOnlyClientsThatTrustItsCertificate(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("server.p12");
        Path cert = dir.resolve("server.crt");
        Path truststore = dir.resolve("trust.p12");
        keytool(
                "-genkeypair",
                "-keystore",
                keystore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "changeit",
                "-alias",
                "jmx",
                "-keyalg",
                "EC",
                "-dname",
                "CN=localhost",
                "-ext",
                "san=ip:127.0.0.1",
                "-validity",
                "2");
        keytool(
                "-exportcert",
                "-keystore",
                keystore.toString(),
                "-storepass",
                "changeit",
                "-alias",
                "jmx",
                "-file",
                cert.toString());
        keytool(
                "-importcert",
                "-noprompt",
                "-keystore",
                truststore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "changeit",
                "-alias",
                "jmx",
                "-file",
                cert.toString());
        Path passwords = Files.writeString(dir.resolve("jmx.password"), "operator s3cret\n");
        Path access = Files.writeString(dir.resolve("jmx.access"), "operator readwrite\n");
        try (ForkedService svc = ForkedService.builder(Jdks.current())
                .agentArgs("jmx.auth=" + passwords + ",jmx.access=" + access + ",jmx.ssl=true")
                .jvmArg("-Djavax.net.ssl.keyStore=" + keystore, "-Djavax.net.ssl.keyStorePassword=changeit")
                .start()) {
            String trusted = "";
            for (int i = 0; i < 50 && !trusted.startsWith("OK"); i++) {
                trusted = tlsClient(
                        svc.jmxPort(),
                        "operator",
                        "s3cret",
                        "-Djavax.net.ssl.trustStore=" + truststore,
                        "-Djavax.net.ssl.trustStorePassword=changeit");
                if (!trusted.startsWith("OK")) Thread.sleep(200);
            }
            assertEquals(
                    "OK 0",
                    trusted,
                    "a TLS client trusting the certificate, with the password; stderr:\n" + svc.stderr());
            String wrongPassword = tlsClient(
                    svc.jmxPort(),
                    "operator",
                    "wrong",
                    "-Djavax.net.ssl.trustStore=" + truststore,
                    "-Djavax.net.ssl.trustStorePassword=changeit");
            assertTrue(wrongPassword.contains("Invalid username or password"), wrongPassword);
            String untrusting = tlsClient(svc.jmxPort(), "operator", "s3cret");
            assertTrue(
                    untrusting.startsWith("ERR") && untrusting.contains("certification path"),
                    "a TLS client that does not trust it: " + untrusting);
            JMXServiceURL url =
                    new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + svc.jmxPort() + "/jmxrmi");
            assertThrows(
                    IOException.class,
                    () -> JMXConnectorFactory.connect(
                            url, Map.of(JMXConnector.CREDENTIALS, new String[] {"operator", "s3cret"})),
                    "a plain-text client");
        }
    }

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "keytool " + String.join(" ", args) + ": " + out);
    }

    private static String tlsClient(int port, String user, String password, String... jvmArgs) throws Exception {
        List<String> cmd = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of(jvmArgs));
        cmd.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                JmxTlsClient.class.getName(),
                String.valueOf(port),
                user,
                password));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "TLS client timed out");
        return out.lines()
                .filter(l -> l.startsWith("OK") || l.startsWith("ERR"))
                .findFirst()
                .orElse(out);
    }

    @Test
    void wideBindWithoutPasswordIsRefusedAndTheServiceRunsOn() throws Exception {
        try (ForkedService svc = ForkedService.builder(Jdks.current())
                .agentArgs("jmx.host=0.0.0.0")
                .start()) {
            assertTrue(svc.stderrShows("jmx.host=0.0.0.0 is not loopback", Duration.ofSeconds(10)), svc.stderr());
            assertTrue(
                    new Answer(svc.send("connect 127.0.0.1 " + port + " 1000")).ok(),
                    "the service runs without the agent");
        }
    }

    /** Found while securing the connector: its RMI export was not a daemon one, so a service's JVM never ended. */
    @Test
    void theConnectorNeverKeepsTheJvmAlive() throws Exception {
        try (ForkedService svc = ForkedService.builder(Jdks.current())
                .main(ReturningMain.class.getName(), "3000")
                .start()) {
            assertEquals(0, svc.list().length, "the connector answers while main() runs");
            assertTrue(
                    svc.process().waitFor(20, TimeUnit.SECONDS),
                    "the JVM ended when main() returned; stderr:\n" + svc.stderr());
            assertEquals(0, svc.process().exitValue());
        }
    }

    /**
     * No MBean server is created for our MBeans: they go into the platform server when someone else creates it — a
     * local tool attaching (jconsole's way: the attach API starts the JDK's local management agent), or the JDK's own
     * JMX agent from the command line.
     */
    @Test
    void theMBeansWaitForThePlatformServerAndALocalToolAttachingFindsThem(@TempDir Path dir) throws Exception {
        Path classes = dir.resolve("class-load.log");
        String server = "com.sun.jmx.mbeanserver.JmxMBeanServer ";
        try (ForkedService svc = ForkedService.builder(Jdks.current())
                .withoutRemoteJmx()
                .jvmArg("-Xlog:class+load=info:file=" + classes)
                .start()) {
            assertTrue(
                    svc.stderrShows("faultline agent", Duration.ofSeconds(10)), "the agent is loaded: " + svc.stderr());
            Thread.sleep(1000); // its control thread has long registered its MBeans by now, wherever it puts them
            assertFalse(Files.readString(classes).contains(server), "no MBean server was created before anyone asked");
            VirtualMachine vm =
                    VirtualMachine.attach(Long.toString(svc.process().pid()));
            try (JMXConnector local = JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()))) {
                MBeanServerConnection platform = local.getMBeanServerConnection();
                assertTrue(
                        platform.isRegistered(ForkedService.AGENT),
                        "the Agent MBean is in the platform server the tool made");
                assertTrue(platform.isRegistered(new ObjectName("dev.faultline:type=Action,name=latency")));
                String id = (String) platform.invoke(
                        ForkedService.AGENT, "add", new Object[] {"error on=connect port=" + port}, new String[] {
                            String.class.getName()
                        });
                assertEquals(
                        1,
                        platform.queryNames(new ObjectName("dev.faultline:type=Fault,id=" + id + ",*"), null)
                                .size(),
                        "a fault armed through it gets its MBean there too");
            } finally {
                vm.detach();
            }
        }
        try (ForkedService svc =
                ForkedService.builder(Jdks.current()).withPlatformJmx().start()) {
            MBeanServerConnection platform =
                    svc.platform(); // the JDK's own JMX agent, from -Dcom.sun.management.jmxremote.port
            long until = System.currentTimeMillis() + 10_000;
            while (!platform.isRegistered(ForkedService.AGENT) && System.currentTimeMillis() < until) Thread.sleep(50);
            assertTrue(
                    platform.isRegistered(ForkedService.AGENT),
                    "the Agent MBean is in the platform server the JDK's agent made");
            assertEquals(0, svc.list().length, "and on our own port as before");
        }
    }

    /**
     * A service whose main asks for the platform server at once races the agent's control thread, which sets the
     * watch: whichever wins, the MBeans end up there (FuzzDriver prints READY only once it sees the Agent MBean).
     * Half of such starts missed them before the watch and the check were made under the platform server's lock.
     */
    @Test
    void aServiceThatAsksForThePlatformServerAtOnceStillGetsTheMBeans() throws Exception {
        for (int i = 0; i < 8; i++) {
            try (ForkedService svc = ForkedService.builder(Jdks.current())
                    .agentArgs("log.level=warn")
                    .main(FuzzDriver.class.getName())
                    .start()) {
                assertTrue(svc.process().isAlive(), "start " + i);
            }
        }
    }

    @Test
    void theAgentOpensNoListeningSocketUnlessAsked() throws Exception {
        try (ForkedService svc =
                ForkedService.builder(Jdks.current()).withoutRemoteJmx().start()) {
            assertTrue(
                    svc.stderrShows("faultline agent", Duration.ofSeconds(10)), "the agent is loaded: " + svc.stderr());
            long pid = svc.process().pid();
            Process ss =
                    new ProcessBuilder("ss", "-ltnpH").redirectErrorStream(true).start();
            String listening = new String(ss.getInputStream().readAllBytes());
            ss.waitFor();
            assertTrue(ss.exitValue() == 0, "ss: " + listening);
            assertFalse(listening.contains("pid=" + pid + ","), "sockets the service listens on:\n" + listening);
        }
    }

    private static JMXConnector retryConnect(JMXServiceURL url, Map<String, ?> env) throws Exception {
        for (int i = 0; ; i++) {
            try {
                return JMXConnectorFactory.connect(url, env);
            } catch (IOException e) {
                if (i > 100) throw e;
                Thread.sleep(100);
            }
        }
    }
}
