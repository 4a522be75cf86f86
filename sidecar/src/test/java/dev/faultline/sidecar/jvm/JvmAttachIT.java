package dev.faultline.sidecar.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.common.jmx.UnixJmx;
import dev.faultline.sidecar.runtime.docker.DockerHost;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sidecar's own attach against the real Docker engine: JVMs in shell-less FROM-scratch containers running as uid
 * 4321 with no passwd entry (.ci/images.sh), the agent jar from this build, no jdk.attach. Each refusal comes within
 * 2 s with its cause and leaves the target as it was: no thread dump in its output, no file in its container
 * ({@code docker diff}), a non-JVM still running, and a host file a planted symlink points at untouched.
 */
class JvmAttachIT {
    static final String JRE17 = "faultline/jre17-scratch:local";
    static final String JRE25 = "faultline/jre25-scratch:local";
    static final Path CLASSES = Path.of("target", "test-classes").toAbsolutePath();
    static final String MAIN = AttachTarget.class.getName();
    static final AtomicInteger COUNT = new AtomicInteger();

    static DockerHost docker;

    @BeforeAll
    static void engine() {
        docker = DockerHost.require();
        for (String image : List.of(JRE17, JRE25)) {
            if (DockerHost.exec(List.of("docker", "image", "inspect", image)).startsWith("ERR")) {
                String why = image + " missing (.ci/images.sh builds it)";
                if ("true".equals(System.getenv("CI"))) throw new AssertionError("CI: " + why);
                System.out.println("[faultline-sidecar-it] SKIPPED: " + why);
                Assumptions.abort(why);
            }
        }
    }

    @AfterAll
    static void clean() {
        if (docker != null) docker.close();
    }

    /** A JVM in a fresh labelled container, started and printing; its name. */
    static String startJvm(
            DockerHost docker, String image, List<String> dockerOptions, List<String> jvmOptions, String... args) {
        String name = docker.run + "-jvm" + COUNT.incrementAndGet();
        List<String> cmd = new ArrayList<>(
                List.of("docker", "run", "-d", "--name", name, "--label", "dev.faultline.test=" + docker.run));
        cmd.addAll(List.of("-v", CLASSES + ":/app:ro"));
        cmd.addAll(dockerOptions);
        cmd.addAll(List.of(image, "java"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", "/app", MAIN));
        cmd.addAll(List.of(args));
        String out = DockerHost.exec(cmd);
        if (out.startsWith("ERR")) throw new AssertionError("docker run failed: " + out);
        long end = System.nanoTime() + 60_000_000_000L;
        while (!logs(name).contains("target up")) {
            if (System.nanoTime() > end
                    || !docker.inspect(name, "{{.State.Running}}").equals("true")) {
                throw new AssertionError("the target did not start: " + logs(name));
            }
            sleep(100);
        }
        return name;
    }

    static String logs(String name) {
        return DockerHost.exec(List.of("docker", "logs", name));
    }

    /** The logs once they show {@code text}, or after 5 s: docker's log copy lags the target on a loaded machine. */
    static String logsShowing(String name, String text) {
        long end = System.nanoTime() + 5_000_000_000L;
        String out = logs(name);
        while (!out.contains(text) && System.nanoTime() - end < 0) {
            sleep(100);
            out = logs(name);
        }
        return out;
    }

    /** What changed in the container since it started, apart from the mount point of the classes (/app). */
    static List<String> diff(String name) {
        String out = DockerHost.exec(List.of("docker", "diff", name)).trim();
        if (out.startsWith("ERR")) throw new AssertionError("docker diff failed: " + out);
        return out.isEmpty()
                ? List.of()
                : Arrays.stream(out.split("\n"))
                        .filter(l -> !l.equals("A /app"))
                        .toList();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static long processesInNamespaceOf(long pid) throws IOException {
        String ns = Files.readSymbolicLink(Path.of("/proc", pid + "/ns/pid")).toString();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .filter(p -> {
                        try {
                            return Files.readSymbolicLink(p.resolve("ns/pid"))
                                    .toString()
                                    .equals(ns);
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .count();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {JRE17, JRE25})
    void aShellLessJvmAsAUidWithoutPasswdIsFoundAndAttached(String image) throws Exception {
        String name = startJvm(docker, image, List.of(), List.of());
        long pid = docker.pid(name);

        List<JvmProcess> found = new JvmFinder().find(pid);
        assertEquals(1, found.size(), "one JVM in the container: " + found);
        JvmProcess p = found.get(0);
        assertEquals(pid, p.hostPid());
        assertEquals(1, p.nsPid());
        assertEquals(4321, p.uid());
        assertEquals(4321, p.gid());
        assertTrue(p.cmdline().contains(MAIN), p.cmdline());
        assertTrue(p.attachable(), p.refusal());
        assertNull(p.javaVersion(), "listing does not start the attach listener, so the version is not read yet");

        JvmAttacher.Attached attached = new JvmAttacher().attach(p, "");
        System.out.println("[jvm-attach-it] " + image + ": attached in " + attached.millis() + " ms, reply '"
                + attached.reply() + "'");
        int feature = image.equals(JRE25) ? 25 : 17;
        assertEquals(feature, JvmFinder.feature(attached.process().javaVersion()));
        String out = logsShowing(name, "loaded (attached)");
        assertTrue(out.contains("loaded (attached)"), "the target's output shows the agent started: " + out);
        // only HotSpot's own attach socket is new: our trigger is gone, the jar was never copied in
        List<String> changed = diff(name);
        assertTrue(changed.contains("A /tmp/.java_pid1"), "HotSpot's attach socket: " + changed);
        assertEquals(
                List.of(),
                changed.stream()
                        .filter(l -> !l.equals("A /tmp/.java_pid1") && !l.equals("C /tmp"))
                        .toList());
        assertEquals(1, processesInNamespaceOf(pid), "the hand-off helper is gone");

        JvmProcess again = new JvmFinder().find(pid).get(0);
        assertEquals(again.javaVersion(), new JvmAttacher().probe(again).javaVersion());
        assertEquals(attached.process().javaVersion(), again.javaVersion(), "read over the listener that is up now");
        assertTrue(again.faultlineLoaded());
        AttachRefusedException second =
                assertThrows(AttachRefusedException.class, () -> new JvmAttacher().attach(again, ""));
        assertTrue(second.getMessage().contains("already loaded"), second.getMessage());

        // a second load that only starts the unix-socket connector goes through, once (review-23 finding 6)
        Path hostDir = Path.of("/proc", Long.toString(pid), "root", "tmp", "fl-jmx");
        Files.createDirectory(
                hostDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setAttribute(hostDir, "unix:gid", 4321, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(hostDir, "unix:uid", 4321, LinkOption.NOFOLLOW_LINKS);
        String unix = "jmx.unix=/tmp/fl-jmx,jmx.unix.secret=it-secret-" + pid;
        new JvmAttacher().attach(again, unix);
        String url = Files.readString(hostDir.resolve(UnixJmx.URL_FILE));
        try (JMXConnector c = UnixJmx.connect(
                hostDir.resolve(UnixJmx.SOCKET), "/tmp/fl-jmx/" + UnixJmx.SOCKET, url, "it-secret-" + pid, 4321, pid)) {
            assertTrue(c.getMBeanServerConnection().getMBeanCount() > 0, "the Faultline MBeans over jmx.sock");
        }
        AttachRefusedException third =
                assertThrows(AttachRefusedException.class, () -> new JvmAttacher().attach(again, unix));
        assertTrue(
                third.getMessage().contains("already serves JMX on a unix socket in /tmp/fl-jmx"), third.getMessage());
    }

    /** The refusal within 2 s naming {@code cause}, and the target unchanged. */
    static void refusedUntouched(String name, String cause) throws Exception {
        long pid = docker.pid(name);
        List<JvmProcess> found = new JvmFinder().find(pid);
        assertEquals(1, found.size(), "found, but not attachable: " + found);
        JvmProcess p = found.get(0);
        assertFalse(p.attachable());
        assertTrue(p.refusal().contains(cause), p.refusal());

        long t0 = System.nanoTime();
        AttachRefusedException e = assertThrows(AttachRefusedException.class, () -> new JvmAttacher().attach(p, ""));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("[jvm-attach-it] refused in " + ms + " ms: " + e.getMessage());
        assertTrue(ms < 2000, "refused in " + ms + " ms");
        assertTrue(e.getMessage().contains(cause), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");

        sleep(300); // a thread dump from a stray SIGQUIT would be out by now
        assertFalse(logs(name).contains("Full thread dump"), "no thread dump: " + logs(name));
        assertEquals(List.of(), diff(name), "nothing changed in the container");
        assertEquals(1, processesInNamespaceOf(pid));
    }

    @Test
    void aJvmWithAttachDisabledIsRefusedUntouched() throws Exception {
        String name = startJvm(docker, JRE17, List.of(), List.of("-XX:+DisableAttachMechanism"));
        refusedUntouched(name, "DisableAttachMechanism in its command line");
        String byEnv =
                startJvm(docker, JRE17, List.of("-e", "JAVA_TOOL_OPTIONS=-XX:+DisableAttachMechanism"), List.of());
        refusedUntouched(byEnv, "DisableAttachMechanism in its JAVA_TOOL_OPTIONS");
    }

    @Test
    void aJvmWithXrsHasItsListenerUpFromTheStartAndIsReadWithoutASignal() throws Exception {
        // -Xrs: HotSpot does not catch SIGQUIT (one would kill it) and starts the attach listener at start instead
        String name = startJvm(docker, JRE17, List.of(), List.of("-Xrs"));
        JvmProcess p = new JvmFinder().find(docker.pid(name)).get(0);
        assertTrue(p.attachable(), p.refusal());
        assertEquals(17, JvmFinder.feature(p.javaVersion()), "read over the listener that is up: " + p);
        assertFalse(p.faultlineLoaded());
        new JvmAttacher().attach(p, "");
        assertTrue(logsShowing(name, "loaded (attached)").contains("loaded (attached)"), logs(name));
        assertEquals("true", docker.inspect(name, "{{.State.Running}}"));
    }

    @Test
    void aReadOnlyRootWithoutWritableTmpIsRefusedUntouched() throws Exception {
        String name = startJvm(docker, JRE17, List.of("--read-only"), List.of());
        refusedUntouched(name, "/tmp is read-only");
    }

    @Test
    void aReadOnlyRootWithATmpfsOnTmpIsAttached() throws Exception {
        String name = startJvm(docker, JRE17, List.of("--read-only", "--tmpfs", "/tmp"), List.of());
        JvmProcess p = new JvmFinder().find(docker.pid(name)).get(0);
        assertTrue(p.attachable(), p.refusal());
        new JvmAttacher().attach(p, "");
        assertTrue(logsShowing(name, "loaded (attached)").contains("loaded (attached)"), logs(name));
    }

    @Test
    void aTmpTooSmallForTheJarIsRefusedAndKeepsNoPartOfIt() throws Exception {
        String name = startJvm(docker, JRE17, List.of("--tmpfs", "/tmp:size=1m,mode=1777"), List.of());
        long pid = docker.pid(name);
        JvmProcess p = new JvmFinder().find(pid).get(0);
        AttachRefusedException e = assertThrows(AttachRefusedException.class, () -> new JvmAttacher().attach(p, ""));
        assertTrue(e.getMessage().contains("needs room for"), e.getMessage());
        try (Stream<Path> tmp = Files.list(Path.of("/proc", pid + "/root/tmp"))) {
            List<String> left = tmp.map(f -> f.getFileName().toString()).toList();
            assertFalse(left.stream().anyMatch(f -> f.startsWith(".faultline-agent-")), "no partial jar: " + left);
        }
        assertFalse(logs(name).contains("loaded (attached)"));
    }

    @Test
    void aNonJvmProcessIsNotFoundAndNeverSignalled() throws Exception {
        String name = docker.run + "-sleep" + COUNT.incrementAndGet();
        String out = DockerHost.exec(List.of(
                "docker",
                "run",
                "-d",
                "--name",
                name,
                "--label",
                "dev.faultline.test=" + docker.run,
                DockerHost.BUSYBOX,
                "sleep",
                "300"));
        assertFalse(out.startsWith("ERR"), out);
        long pid = docker.pid(name);
        assertEquals(List.of(), new JvmFinder().find(pid));

        // asked by PID anyway: refused from /proc alone
        JvmProcess fake = new JvmProcess(pid, 1, 0, 0, "sleep 300", null, null, true, null, JvmFinder.startTime(pid));
        long t0 = System.nanoTime();
        AttachRefusedException e = assertThrows(AttachRefusedException.class, () -> new JvmAttacher().attach(fake, ""));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 2000, "refused in " + ms + " ms");
        assertTrue(e.getMessage().contains("not a JVM"), e.getMessage());
        sleep(300);
        assertEquals("true", docker.inspect(name, "{{.State.Running}}"), "sleep keeps running");
        assertEquals(List.of(), diff(name));
    }

    /**
     * Review-23 finding 8: a JVM listed earlier exited and its PID now belongs to another JVM. What the sidecar holds
     * (the PID and the start time it was listed with) is all it can tell them apart by, so the listed process is
     * this JVM with another start time: refused at once, naming the reuse; no signal, no file, nothing loaded.
     */
    @Test
    void aListedJvmWhosePidNowBelongsToAnotherProcessIsNeitherSignalledNorAttached() throws Exception {
        String name = startJvm(docker, JRE17, List.of(), List.of());
        long pid = docker.pid(name);
        JvmProcess now = new JvmFinder().find(pid).get(0);
        JvmProcess listed = new JvmProcess(
                now.hostPid(),
                now.nsPid(),
                now.uid(),
                now.gid(),
                now.cmdline(),
                null,
                null,
                true,
                null,
                now.startTime() - 1);
        long t0 = System.nanoTime();
        AttachRefusedException attach =
                assertThrows(AttachRefusedException.class, () -> new JvmAttacher().attach(listed, ""));
        AttachRefusedException probe =
                assertThrows(AttachRefusedException.class, () -> new JvmAttacher().probe(listed));
        AttachRefusedException direct = assertThrows(AttachRefusedException.class, () -> new HotSpotAttach(listed));
        AttachRefusedException delivery =
                assertThrows(AttachRefusedException.class, () -> AgentDelivery.handOff(listed, AgentJar.bundled()));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        for (AttachRefusedException e : List.of(attach, probe, direct, delivery))
            assertTrue(e.getMessage().contains("its PID was reused"), e.getMessage());
        assertTrue(ms < 2000, "refused in " + ms + " ms");
        sleep(300);
        String out = logs(name);
        assertFalse(out.contains("Full thread dump"), "no SIGQUIT reached it: " + out);
        assertFalse(out.contains("loaded (attached)"), out);
        assertEquals(List.of(), diff(name), "nothing written into the container");
        // the process as it is now is attached as usual
        assertTrue(new JvmAttacher().attach(now, "").process().faultlineLoaded());
    }

    /** A host file's content, owner, mode and mtime: what a redirected write, chown or chmod would change. */
    record HostFile(String content, Object owner, String mode, FileTime mtime) {
        static HostFile of(Path f) throws IOException {
            return new HostFile(
                    Files.readString(f),
                    Files.getOwner(f, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(f, LinkOption.NOFOLLOW_LINKS)),
                    Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS));
        }
    }

    @Test
    void symlinksPlantedInTheTargetsTmpReachNothingOnTheHost() throws Exception {
        Path victim = Files.createTempDirectory("faultline-victim-");
        try {
            Path secret = victim.resolve("secret");
            Files.writeString(secret, "host secret\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
            HostFile before = HostFile.of(secret);

            // the trigger name toward a host path that does not exist: a following create would make it
            String a =
                    startJvm(docker, JRE17, List.of(), List.of(), "plant", ".attach_pid1=" + victim.resolve("created"));
            JvmProcess pa = new JvmFinder().find(docker.pid(a)).get(0);
            long t0 = System.nanoTime();
            AttachRefusedException ea =
                    assertThrows(AttachRefusedException.class, () -> new JvmAttacher().attach(pa, ""));
            assertTrue((System.nanoTime() - t0) / 1_000_000 < 2000);
            assertTrue(ea.getMessage().contains(".attach_pid1"), ea.getMessage());
            System.out.println("[jvm-attach-it] planted trigger: " + ea.getMessage());

            // the socket name toward an existing host file: a following connect or read would reach it
            String b = startJvm(docker, JRE17, List.of(), List.of(), "plant", ".java_pid1=" + secret);
            JvmProcess pb = new JvmFinder().find(docker.pid(b)).get(0);
            assertFalse(pb.attachable());
            assertTrue(pb.refusal().contains("not a socket"), pb.refusal());
            assertThrows(AttachRefusedException.class, () -> new JvmAttacher().attach(pb, ""));

            // /tmp itself a symlink toward the host directory (the container's root user can do that)
            String c = startJvm(
                    docker,
                    JRE17,
                    List.of("--user", "0:0"),
                    List.of("-XX:-UsePerfData"),
                    "tmp-link",
                    victim.toString());
            JvmProcess pc = new JvmFinder().find(docker.pid(c)).get(0);
            assertFalse(pc.attachable());
            assertTrue(pc.refusal().contains("/tmp in the container is not a real directory"), pc.refusal());
            assertThrows(AttachRefusedException.class, () -> new JvmAttacher().attach(pc, ""));

            sleep(300);
            for (String name : List.of(a, b, c)) {
                assertFalse(logs(name).contains("Full thread dump"), "never signalled: " + logs(name));
            }
            try (Stream<Path> left = Files.list(victim)) {
                assertEquals(List.of(secret), left.toList(), "nothing created on the host");
            }
            assertEquals(before, HostFile.of(secret), "the host file was not written, chowned or chmodded");
        } finally {
            try (Stream<Path> left = Files.list(victim)) {
                for (Path f : left.toList()) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(victim);
        }
    }
}
