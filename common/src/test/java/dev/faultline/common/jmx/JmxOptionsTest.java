package dev.faultline.common.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one safety rule of both programs' connectors, as a table; and the access file's two roles. */
class JmxOptionsTest {
    static JmxOptions options(String host, String passwordFile, String accessFile, boolean authNone) {
        return new JmxOptions(host, 9010, host, passwordFile, accessFile, authNone, false, Path.of("/tmp"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            nullValues = "-",
            value = {
                // host     | password file | access | none  | refusal (- = accepted) for the sidecar's words
                "127.0.0.1  | -             | -      | false | -",
                "127.0.0.1  | /p            | /a     | false | -",
                "::1        | -             | -      | true  | -",
                "0.0.0.0    | /p            | -      | false | -",
                "0.0.0.0    | -             | -      | false | --jmx-host 0.0.0.0 is not loopback: give --jmx-password-file <password file>",
                "10.1.2.3   | -             | -      | true  | --jmx-auth none is allowed only on loopback",
                "127.0.0.1  | /p            | -      | true  | --jmx-auth none contradicts --jmx-password-file /p",
                "127.0.0.1  | -             | /a     | false | --jmx-access-file /a names users of a password file: give --jmx-password-file <file> too",
            })
    void theSafetyRule(String host, String passwordFile, String accessFile, boolean authNone, String refusal) {
        JmxOptions o = options(host, passwordFile, accessFile, authNone);
        if (refusal == null) {
            assertEquals(o, o.check(JmxOptions.Words.SIDECAR));
        } else {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> o.check(JmxOptions.Words.SIDECAR));
            assertTrue(e.getMessage().startsWith(refusal), e.getMessage());
        }
    }

    @Test
    void theAgentsWordsNameTheAgentsOptions() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> options("0.0.0.0", null, null, false).check(JmxOptions.Words.AGENT));
        assertTrue(
                e.getMessage().startsWith("jmx.host=0.0.0.0 is not loopback: give jmx.auth=<password file>"),
                e.getMessage());
    }

    @Test
    void aMissingFileIsNamedAtStartOnly() {
        JmxOptions o =
                options("127.0.0.1", "/no/such/jmx.password", null, false).check(JmxOptions.Words.AGENT);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> o.requireFiles(JmxOptions.Words.AGENT));
        assertEquals("jmx.auth=/no/such/jmx.password: no such file, or not readable", e.getMessage());
    }

    @Test
    void accessFileRoles() {
        Map<String, Role> roles = AccessFile.parse(
                List.of(
                        "# comment",
                        "",
                        "viewer readonly",
                        "operator  readwrite create javax.management.*",
                        "chaos attach"),
                "f");
        assertEquals(Map.of("viewer", Role.READONLY, "operator", Role.READWRITE, "chaos", Role.ATTACH), roles);
        assertTrue(Role.ATTACH.writes() && Role.READWRITE.writes() && !Role.READONLY.writes());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> AccessFile.parse(List.of("x admin"), "f"));
        assertEquals("f line 1: 'admin' is not readonly, readwrite or attach", e.getMessage());
    }
}
