package dev.faultline.samples.resilience;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** After the tests ran with both agents: JaCoCo wrote its data, and its report has StockLookup's lines covered. */
class CoverageIT {
    private final Path target = Path.of(System.getProperty("build.directory"));

    @Test
    void jacocoRecordedTheCoverageOfTheCodeUnderTest() throws Exception {
        Path exec = target.resolve("jacoco.exec");
        assertTrue(Files.size(exec) > 0, exec + " is empty");
        // GROUP,PACKAGE,CLASS,INSTRUCTION_MISSED,INSTRUCTION_COVERED,BRANCH_MISSED,BRANCH_COVERED,LINE_MISSED,LINE_COVERED,…
        List<String> rows = Files.readAllLines(target.resolve("site/jacoco/jacoco.csv"));
        String row = rows.stream()
                .filter(r -> r.split(",")[2].equals("StockLookup"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no StockLookup row in the report: " + rows));
        String[] c = row.split(",");
        int missed = Integer.parseInt(c[7]);
        int covered = Integer.parseInt(c[8]);
        assertTrue(covered > 0, "covered lines of StockLookup: " + row);
        // both answers (cache and database) and the fallback ran: nearly every line
        assertTrue(covered >= 3 * missed, "StockLookup mostly covered: " + row);
    }
}
