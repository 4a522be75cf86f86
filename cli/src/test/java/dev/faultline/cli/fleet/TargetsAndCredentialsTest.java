package dev.faultline.cli.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.common.jmx.Credentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TargetsAndCredentialsTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {"127.0.0.1:9010|127.0.0.1|9010", "db.internal:1|db.internal|1", "[::1]:9010|::1|9010"})
    void parses(String text, String host, int port) {
        Target t = Target.parse(text, Target.Kind.AGENT);
        assertEquals(host, t.host());
        assertEquals(port, t.port());
        assertEquals(text, t.address());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "nonsense|HOST:PORT",
                "host:|HOST:PORT",
                ":9010|HOST:PORT",
                "host:x|not a number",
                "host:70000|1-65535"
            })
    void refuses(String text, String word) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Target.parse(text, Target.Kind.SIDECAR));
        assertTrue(
                e.getMessage().startsWith("--jmx " + text + ": ")
                        && e.getMessage().contains(word),
                e.getMessage());
    }

    @Test
    void passwordFileByUserOrFirstThenGeneratedByPort(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("jmx.password"), "# operators\nadmin s3cret\nobserver look\n");
        Target t = new Target("127.0.0.1", 9010, Target.Kind.AGENT);
        assertEquals(new Credentials("admin", "s3cret"), new CredentialSource(file, null, List.of()).forTarget(t));
        assertEquals(
                new Credentials("observer", "look"), new CredentialSource(file, "observer", List.of()).forTarget(t));
        IOException none =
                assertThrows(IOException.class, () -> new CredentialSource(file, "nobody", List.of()).forTarget(t));
        assertTrue(none.getMessage().contains("no line for user 'nobody'"), none.getMessage());

        Path a = Files.createDirectory(dir.resolve("a"));
        Path b = Files.createDirectory(dir.resolve("b"));
        Credentials generated = Credentials.generate(b, 9010);
        assertEquals(generated, new CredentialSource(null, null, List.of(a, b)).forTarget(t));
        IOException missing =
                assertThrows(IOException.class, () -> new CredentialSource(null, null, List.of(a)).forTarget(t));
        assertTrue(missing.getMessage().contains("jmx-9010.password"), missing.getMessage());
    }
}
