package dev.faultline.sidecar.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.common.process.HungPrograms;
import dev.faultline.sidecar.network.HungCommandTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A signal other than SIGKILL/SIGTERM goes through {@code /bin/sh -c kill}, an absolute path no PATH can redirect: the
 * forked JVM runs in a mount namespace of its own with a hung stand-in mounted over {@code /bin/sh} (root only).
 */
class SignalHungCommandTest {
    public static void main(String[] args) {
        long t0 = System.nanoTime();
        String result;
        try {
            ContainerVerbs.signalPid(ProcessHandle.current().pid(), "SIGCONT", "this JVM");
            result = "signalled";
        } catch (IllegalStateException e) {
            result = e.getMessage();
        }
        System.out.println("took=" + (System.nanoTime() - t0) / 1_000_000 + " result=" + result);
        System.exit(0);
    }

    @Test
    void aHungShellSendingASignalIsCut() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "skipped: mounting /bin/sh needs root");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "skipped: the stand-in for /bin/sh is bash");
        Process probe = new ProcessBuilder("unshare", "--mount", "--", "true")
                .redirectErrorStream(true)
                .start();
        Assumptions.assumeTrue(
                probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "skipped: no mount namespace here: "
                        + new String(probe.getInputStream().readAllBytes()));
        try (HungPrograms hung = HungPrograms.interpretedBy("/bin/bash", "sh")) {
            List<String> launcher = List.of(
                    "unshare",
                    "--mount",
                    "--propagation",
                    "private",
                    "--",
                    "/bin/bash",
                    "-c",
                    "mount --bind \"$0\" /bin/sh && exec \"$@\"",
                    hung.dir().resolve("sh").toString());
            String out = HungCommandTest.cut(hung, launcher, SignalHungCommandTest.class, "signal", Map.of());
            assertTrue(
                    out.matches(
                            "(?s).*result=cannot signal pid \\d+ of this JVM \\(is its PID namespace visible\\? "
                                    + "run with --pid host, or share the pod's\\): "
                                    + "`/bin/sh -c kill -s \"\\$1\" \"\\$2\" kill CONT \\d+` did not finish within 500ms; killed.*"),
                    out);
        }
    }
}
