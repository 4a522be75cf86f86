package dev.faultline.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The words of jmx.unix, its secret and cmd; a second attach's changes; the secret never in a message. */
class AgentOptionsTest {
    static String refusal(String args) {
        return assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse(args))
                .getMessage();
    }

    @Test
    void jmxUnixWithItsSecretAndCmdClear() {
        AgentOptions o = AgentOptions.parse("jmx.unix=/tmp/f-1,jmx.unix.secret=s3cret");
        assertEquals(Path.of("/tmp/f-1"), o.unixDir());
        assertEquals("s3cret", o.unixSecret());
        assertNull(o.command());
        assertEquals("clear", AgentOptions.parse("cmd=clear").command());
        // jmx.unix alone parses: the agent then refuses to start that connector and says so
        assertNull(AgentOptions.parse("jmx.unix=/tmp/f-1").unixSecret());
    }

    @Test
    void badWordsAreRefusedNamingThem() {
        assertTrue(refusal("jmx.unix=relative/dir").contains("jmx.unix=relative/dir: not an absolute path"));
        assertTrue(refusal("jmx.unix.secret=abc").contains("without jmx.unix=<dir>"));
        assertTrue(refusal("jmx.unix=/d,jmx.unix.secret=").contains("jmx.unix.secret is empty"));
        assertTrue(refusal("cmd=halt").contains("cmd=halt: unknown; the agent knows cmd=clear and cmd=close"));
        assertEquals("close", AgentOptions.parse("cmd=close").command());
        assertTrue(refusal("cmd=close,jmx.unix=/d").contains("cmd=close takes no other option"));
        assertTrue(refusal("cmd=clear,jmx.port=9010").contains("cmd=clear takes no other option"));
    }

    @Test
    void theSecretIsNeverInAMessageOrInToString() {
        AgentOptions o = AgentOptions.parse("jmx.unix=/d,jmx.unix.secret=TOPSECRET,log.level=debug");
        assertFalse(o.toString().contains("TOPSECRET"), o.toString());
        assertFalse(o.given().containsValue("TOPSECRET"));
        // a secret holding a comma splits into a fragment that is not key=value: not echoed
        assertEquals("an agent option is not key=value", refusal("jmx.unix=/d,jmx.unix.secret=TOP,SECRET"));
        assertTrue(refusal("jmx.port=9010,oops").contains("'oops'"), "without a secret the fragment is named");
        // ... and so does one holding ",k=v": the key made of its bytes is not named
        String unknown = refusal("jmx.unix=/d,jmx.unix.secret=TOP,SECRET=x");
        assertFalse(unknown.contains("'secret'"), unknown);
        assertTrue(unknown.startsWith("an agent option is unknown"), unknown);
        assertTrue(refusal("jmx.port=9010,oops=1").contains("'oops'"), "without a secret the key is named");
    }

    @Test
    void aSecondAttachNamesWhatItWouldChange() {
        AgentOptions first = AgentOptions.parse("jmx.port=9010,jmx.auth.dir=/tmp/c");
        assertEquals(List.of(), AgentOptions.parse("jmx.port=9010").changesFrom(first));
        assertEquals(
                List.of(), AgentOptions.parse("jmx.unix=/d,jmx.unix.secret=x").changesFrom(first));
        assertEquals(
                List.of("jmx.port=9011", "metrics.port=9404"),
                AgentOptions.parse("metrics.port=9404,jmx.port=9011").changesFrom(first));
    }
}
