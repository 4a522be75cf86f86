package dev.faultline.sidecar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * netem's and iptables' help, byte for byte as it was before their effects became values (resources/help/, written
 * by the picocli model of that time): option names, labels, descriptions and their order. Pumba's words added since
 * (the port filters, per-verb --limit, the helper-image words, loss-state, loss-gemodel, rate's overheads) were
 * added to those files, nothing else changed.
 */
class NetworkHelpTextTest {
    @Test
    void netemAndIptablesHelpIsUnchanged() throws IOException {
        CommandLine root = SidecarCli.commandLine(null);
        for (String verb : List.of("netem", "iptables")) {
            CommandLine command = root.getSubcommands().get(verb);
            assertEquals(expected(verb), command.getUsageMessage(), verb);
            for (var sub : command.getSubcommands().entrySet()) {
                String name = verb + "-" + sub.getKey();
                assertEquals(expected(name), sub.getValue().getUsageMessage(), name);
            }
        }
        assertEquals(
                List.of("delay", "loss", "loss-state", "loss-gemodel", "duplicate", "corrupt", "rate"),
                List.copyOf(root.getSubcommands().get("netem").getSubcommands().keySet()));
        assertEquals(
                List.of("loss"),
                List.copyOf(
                        root.getSubcommands().get("iptables").getSubcommands().keySet()));
    }

    private static String expected(String name) throws IOException {
        try (InputStream in = NetworkHelpTextTest.class.getResourceAsStream("/help/" + name + ".txt")) {
            assertNotNull(in, "no help/" + name + ".txt");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
