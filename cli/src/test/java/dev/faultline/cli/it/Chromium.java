package dev.faultline.cli.it;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Debian's {@code chromium}, headless: a page's DOM after its scripts ran, and a screenshot. */
final class Chromium {
    private Chromium() {}

    static String binary() {
        for (String p : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"))
            if (new File(p).canExecute()) return p;
        return null;
    }

    /** Chromium is absent: skip with the reason, except under CI where it is a failure. */
    static String require() {
        String b = binary();
        if (b != null) return b;
        String why = "no headless Chromium (/usr/bin/chromium; .ci/install.sh installs Debian's chromium)";
        if ("true".equals(System.getenv("CI"))) throw new AssertionError("CI: " + why);
        System.out.println("[faultline-it] SKIPPED: " + why);
        Assumptions.abort(why);
        return null;
    }

    static String dumpDom(Path page, Path profile) throws Exception {
        return run(page, profile, "--dump-dom");
    }

    static void screenshot(Path page, Path profile, Path png) throws Exception {
        run(page, profile, "--screenshot=" + png, "--window-size=1100,1000", "--hide-scrollbars");
    }

    private static String run(Path page, Path profile, String... what) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                require(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--user-data-dir=" + profile));
        cmd.addAll(List.of(what));
        cmd.add(page.toUri().toString());
        Path out = Files.createTempFile("chromium", ".out");
        Path err = Files.createTempFile("chromium", ".err");
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try {
            if (!p.waitFor(90, TimeUnit.SECONDS)) throw new AssertionError("chromium did not end: " + cmd);
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0)
            throw new AssertionError("chromium exit " + p.exitValue() + ": " + Files.readString(err));
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        return stdout;
    }
}
