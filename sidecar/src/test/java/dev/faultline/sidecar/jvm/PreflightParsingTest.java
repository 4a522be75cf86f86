package dev.faultline.sidecar.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The preflight's readings of /proc text and launch options: pure parsing, on texts as the kernel writes them. */
class PreflightParsingTest {
    static final String STATUS = "Name:\tjava\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t4242\nNgid:\t0\n"
            + "Pid:\t4242\nPPid:\t4200\nUid:\t4321\t4322\t4322\t4322\nGid:\t99\t4321\t4321\t4321\n"
            + "NStgid:\t4242\t1\nNSpid:\t4242\t1\nNSpgid:\t4242\t1\nSigBlk:\t0000000000000000\n"
            + "SigIgn:\t0000000000000000\nSigCgt:\t%s\n";

    @Test
    void statusGivesTheInnermostPidTheEffectiveIdsAndSigquit() {
        ProcStatus s = ProcStatus.parse(STATUS.formatted("2000000181005ccf"));
        assertEquals(1, s.nsPid());
        assertEquals(4322, s.uid(), "effective, not real");
        assertEquals(4321, s.gid());
        assertTrue(s.catchesSigquit());
        // busybox sleep: catches nothing; a JVM before its handlers (or -Xrs): bit 2 clear
        assertFalse(ProcStatus.parse(STATUS.formatted("0000000000000000")).catchesSigquit());
        assertFalse(ProcStatus.parse(STATUS.formatted("0000000181005ccb")).catchesSigquit());
        assertThrows(IllegalArgumentException.class, () -> ProcStatus.parse("Name:\tjava\n"));
    }

    @Test
    void aListedCommandLineMasksSecretsAndIsCut() {
        String shown = LaunchOptions.forDisplay(List.of(
                "java", "-Ddb.password=hunter2", "--api-token=abc", "-Dsecret.key=k", "-Dapp.name=x", "-jar", "a.jar"));
        assertEquals("java -Ddb.password=*** --api-token=*** -Dsecret.key=*** -Dapp.name=x -jar a.jar", shown);
        String longOne = LaunchOptions.forDisplay(List.of("java", "-cp", "x".repeat(10_000), "Main\u001b[2J"));
        assertEquals(LaunchOptions.MAX_DISPLAY + 1, longOne.length());
        assertFalse(LaunchOptions.forDisplay(List.of("Main\u001b[2J\r")).chars().anyMatch(Character::isISOControl));
    }

    @Test
    void theLastDisableAttachMechanismWinsInHotSpotsOrder() {
        List<String> plain = List.of("java", "-Xmx64m", "-cp", "/app", "Main");
        assertNull(LaunchOptions.attachDisabledBy(plain, List.of("PATH=/bin")));
        assertEquals(
                "command line",
                LaunchOptions.attachDisabledBy(
                        List.of("java", "-XX:+DisableAttachMechanism", "-jar", "app.jar"), List.of()));
        assertEquals(
                "JAVA_TOOL_OPTIONS",
                LaunchOptions.attachDisabledBy(
                        plain, List.of("JAVA_TOOL_OPTIONS=-Xss1m  -XX:+DisableAttachMechanism", "HOME=/")));
        assertEquals(
                "_JAVA_OPTIONS",
                LaunchOptions.attachDisabledBy(
                        List.of("java", "-XX:-DisableAttachMechanism", "Main"),
                        List.of("_JAVA_OPTIONS=-XX:+DisableAttachMechanism")));
        // re-enabled later on the command line; and the app's own arguments are not JVM options
        assertNull(LaunchOptions.attachDisabledBy(
                List.of("java", "-XX:-DisableAttachMechanism", "Main"),
                List.of("JDK_JAVA_OPTIONS=-XX:+DisableAttachMechanism")));
        assertNull(LaunchOptions.attachDisabledBy(
                List.of("java", "-cp", "-XX:+DisableAttachMechanism", "Main", "-XX:+DisableAttachMechanism"),
                List.of()));
        assertNull(LaunchOptions.attachDisabledBy(
                List.of("java", "-jar", "app.jar", "-XX:+DisableAttachMechanism"), List.of()));
        assertTrue(LaunchOptions.hasArgumentFile(List.of("java", "@opts", "Main")));
        assertFalse(LaunchOptions.hasArgumentFile(List.of("java", "-cp", "/app", "Main")));
    }

    static final String MOUNTINFO = """
            640 560 0:60 / / ro,relatime master:300 - overlay overlay rw,lowerdir=/l,upperdir=/u,workdir=/w
            641 640 0:62 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw
            650 640 0:70 / /tmp rw,nosuid,nodev - tmpfs tmpfs rw,size=65536k
            651 640 0:71 / /tmpfiles rw - tmpfs tmpfs rw
            """;

    @Test
    void theMountThatCoversAPathDecidesWhetherItIsReadOnly() {
        assertFalse(MountTable.readOnly(MOUNTINFO, "/tmp"), "the tmpfs over /tmp");
        assertTrue(MountTable.readOnly(MOUNTINFO, "/var/tmp"), "the read-only root");
        String noTmpfs = MOUNTINFO.lines().filter(l -> !l.contains(" /tmp ")).reduce("", (a, b) -> a + b + "\n");
        assertTrue(MountTable.readOnly(noTmpfs, "/tmp"), "/tmpfiles does not cover /tmp");
        // read-only per file system (super options) with a rw mount
        assertTrue(MountTable.readOnly("1 0 0:1 / / rw - ext4 /dev/sda ro,errors=remount-ro\n", "/tmp"));
        assertFalse(MountTable.readOnly("1 0 0:1 / / rw - ext4 /dev/sda rw,errors=remount-ro\n", "/tmp"));
        assertTrue(MountTable.readOnly(
                "1 0 0:1 / / rw - ext4 /dev/sda rw\n2 1 0:2 / /my\\040tmp ro - tmpfs tmpfs rw\n", "/my tmp/x"));
    }

    @Test
    void theVersionDecidesAndAnOlderJavaIsRefusedWithTheFix() {
        assertEquals(8, JvmFinder.feature("1.8.0_392"));
        assertEquals(17, JvmFinder.feature("17.0.19"));
        assertEquals(25, JvmFinder.feature("25"));
        assertEquals(21, JvmFinder.feature("21-ea"));
        assertEquals(-1, JvmFinder.feature("weird"));
        JvmProcess p = new JvmProcess(10, 1, 4321, 4321, "java Main", null, null, true, null, 1);
        Properties props = new Properties();
        props.setProperty("java.version", "11.0.22");
        JvmProcess old = JvmFinder.withProperties(p, props);
        assertFalse(old.attachable());
        assertTrue(old.refusal().contains("needs Java 17+"), old.refusal());
        props.setProperty("java.version", "17.0.19");
        props.setProperty("dev.faultline.agent.started", "0.1.0");
        JvmProcess loaded = JvmFinder.withProperties(p, props);
        assertTrue(loaded.attachable());
        assertEquals("17.0.19", loaded.javaVersion());
        assertTrue(loaded.faultlineLoaded());
    }
}
