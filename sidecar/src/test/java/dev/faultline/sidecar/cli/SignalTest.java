package dev.faultline.sidecar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SignalTest {
    @Test
    void crashSignalsThroughTheShellBuiltinSoNoKillProgramIsNeeded() {
        assertEquals(
                List.of("/bin/sh", "-c", "kill -s \"$1\" \"$2\"", "kill", "KILL", "4242"),
                ContainerVerbs.killArgv(4242, ContainerVerbs.signal("SIGKILL")));
        assertEquals(
                List.of("/bin/sh", "-c", "kill -s \"$1\" \"$2\"", "kill", "TERM", "7"),
                ContainerVerbs.killArgv(7, ContainerVerbs.signal("term")));
    }

    @Test
    void onlyKnownSignalNamesReachTheShell() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ContainerVerbs.signal("KILL; rm -rf /"));
        assertTrue(e.getMessage().contains("--signal KILL; rm -rf /"), e.getMessage());
    }
}
