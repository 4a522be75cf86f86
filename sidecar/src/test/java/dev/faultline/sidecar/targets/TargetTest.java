package dev.faultline.sidecar.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The logs and the journal name each kind of target as they did when all three were container strings. */
class TargetTest {
    @Test
    void eachKindPrintsAsBefore() {
        assertEquals("self(self)", OwnNamespace.INSTANCE.toString());
        assertEquals("sleep 300(pid:123)", new ProcessTarget(123, "sleep 300").toString());
        String longLine = "java -jar /app/app.jar --server.port=8080 --spring.profiles.active=prod --x=1";
        assertEquals(longLine.substring(0, 60) + "(pid:4194304)", new ProcessTarget(4194304, longLine).toString());
        assertEquals(
                "web(0123456789ab)", new ContainerTarget("0123456789abcdef", "web", "running", Map.of()).toString());
    }

    @Test
    void theJournalsIdsReadBack() {
        assertEquals(OwnNamespace.INSTANCE, Target.journalled("self"));
        assertEquals(123, ((ProcessTarget) Target.journalled("pid:123")).pid());
        assertEquals("0123456789abcdef", Target.journalled("0123456789abcdef").id());
        assertEquals("pid:123", new ProcessTarget(123, "sleep").id());
    }
}
