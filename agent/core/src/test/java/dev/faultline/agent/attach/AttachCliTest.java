package dev.faultline.agent.attach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The CLI's argument handling; the attach itself is covered by AttachIT against real JVMs. */
class AttachCliTest {
    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = AttachCli.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertEquals(2, run().code());
        Result unknown = run("frob");
        assertEquals(2, unknown.code());
        assertTrue(
                unknown.err().contains("unknown command 'frob'")
                        && unknown.err().contains("usage:"),
                unknown.err());
        Result noTarget = run("attach");
        assertEquals(2, noTarget.code());
        assertTrue(noTarget.err().contains("attach needs a pid or a name"), noTarget.err());
        assertEquals(2, run("list", "extra").code());
    }

    @Test
    void helpGoesToStdoutAndNamesTheDynamicLoadingFlag() {
        Result help = run("--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("-XX:+EnableDynamicAgentLoading"), help.out());
    }

    @Test
    void aPidThatIsNotRunningIsAClearError() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        Result r = run("attach", String.valueOf(p.pid()));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no process with pid " + p.pid()), r.err());
    }

    @Test
    void theSecretIsNeverPrinted() {
        assertEquals(
                "jmx.unix=/d,jmx.unix.secret=***,log.level=debug",
                AttachCli.redacted("jmx.unix=/d,jmx.unix.secret=abc-DEF_1,log.level=debug"));
        assertEquals("jmx.unix.secret=***", AttachCli.redacted("jmx.unix.secret=x"));
    }
}
