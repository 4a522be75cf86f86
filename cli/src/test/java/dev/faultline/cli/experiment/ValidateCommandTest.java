package dev.faultline.cli.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code faultline experiment validate FILE}: exit 0 and "valid", or exit 1 with every refusal by path on stderr. */
class ValidateCommandTest {
    @TempDir
    Path dir;

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(String... args) {
        CommandLine cl = ExperimentCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void valid() throws Exception {
        Path f = Files.writeString(dir.resolve("e.yaml"), "title: t\ndescription: d\nmethod: []\n");
        assertEquals(0, run("experiment", "validate", f.toString()), err.toString());
        assertTrue(out.toString().contains("valid"), out.toString());
    }

    @Test
    void refusedNamesThePathAndArmsNothing() throws Exception {
        Path f = Files.writeString(dir.resolve("e.json"), """
                {"title": "t", "description": "d", "method": [
                  {"type": "action", "name": "a", "provider": {"type": "process", "path": "true"}},
                  {"type": "action", "name": "b", "provider": {"type": "process", "path": "true"}},
                  {"type": "action", "name": "c", "provider": {"type": "pyhton", "module": "x", "func": "y"}}]}
                """);
        assertEquals(1, run("experiment", "validate", f.toString()));
        assertTrue(
                err.toString().contains("method[2].provider.type: unknown provider type \"pyhton\""), err.toString());
        assertTrue(err.toString().contains("nothing was armed"), err.toString());
        assertEquals(1, run("experiment", "validate", "--json", f.toString()));
        assertTrue(out.toString().contains("{\"file\":\"" + f + "\",\"valid\":false,\"refusals\":[{"), out.toString());
    }

    @Test
    void aMissingFileIsRefusedAndAMissingArgumentIsUsage() {
        assertEquals(1, run("experiment", "validate", dir.resolve("none.json").toString()));
        assertTrue(err.toString().contains("cannot read"), err.toString());
        assertEquals(2, run("experiment", "validate"));
    }
}
