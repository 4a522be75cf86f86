package dev.faultline.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.api.Test;

/** {@code faultline jvms} and {@code faultline attach} from the built CLI jar, through the built agent jar, into a JVM started without it. */
class AttachIT {
    @Test
    void listsTheJvmAttachesTheAgentAndItAnswersOverJmx() throws Exception {
        String testClasses = new File(IdleService.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .getPath())
                .getAbsolutePath();
        Path dir = Files.createTempDirectory("faultline-cli-attach");
        Process service = new ProcessBuilder(Processes.JAVA, "-cp", testClasses, IdleService.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("service.log").toFile())
                .start();
        try {
            String pid = Long.toString(service.pid());
            long deadline = System.nanoTime() + 30_000_000_000L;
            Processes.Run jvms;
            do {
                jvms = Processes.cli("jvms");
            } while (!jvms.out().contains(pid + "\t") && System.nanoTime() < deadline);
            assertEquals(0, jvms.exit(), jvms.err());
            assertTrue(
                    jvms.out()
                            .lines()
                            .anyMatch(l -> l.startsWith(pid + "\t") && l.contains(IdleService.class.getName())),
                    jvms.out());

            int port = Processes.freePort();
            Processes.Run attach = Processes.cli("attach", pid, "jmx.port=" + port, "jmx.auth.dir=" + dir);
            assertEquals(0, attach.exit(), attach.out() + attach.err());
            assertTrue(attach.out().contains("loaded into " + pid), attach.out());
            try (JMXConnector c = Processes.await(port, dir)) {
                assertEquals(0, ((String[]) Processes.invoke(c, "dev.faultline:type=Agent", "list")).length);
            }
            Processes.Run again = Processes.cli(
                    "agent",
                    "add",
                    "--jmx",
                    "127.0.0.1:" + port,
                    "--credentials-dir",
                    dir.toString(),
                    "error",
                    "on=dns",
                    "ttl=1m");
            assertEquals(0, again.exit(), again.out() + again.err());

            Processes.Run none = Processes.cli("attach", "999999999");
            assertEquals(1, none.exit(), none.out() + none.err());
            assertTrue(none.err().contains("no process with pid 999999999"), none.err());
        } finally {
            service.destroyForcibly();
        }
    }
}
