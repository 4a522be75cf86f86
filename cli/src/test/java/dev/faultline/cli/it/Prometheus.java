package dev.faultline.cli.it;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Prometheus server (Debian's {@code prometheus}) on a free loopback port, its TSDB in a temporary directory,
 * scraping the given {@code /metrics} targets every second; {@link #close()} stops it.
 */
final class Prometheus implements AutoCloseable {
    final int port;
    private final Process process;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static String binary() {
        for (String p : List.of("/usr/bin/prometheus", "/usr/local/bin/prometheus"))
            if (new File(p).canExecute()) return p;
        return null;
    }

    /** Prometheus is absent: skip with the reason, except under CI where it is a failure. */
    static String require() {
        String b = binary();
        if (b != null) return b;
        String why = "no prometheus binary (/usr/bin/prometheus; .ci/install.sh installs Debian's prometheus)";
        if ("true".equals(System.getenv("CI"))) throw new AssertionError("CI: " + why);
        System.out.println("[faultline-it] SKIPPED: " + why);
        Assumptions.abort(why);
        return null;
    }

    Prometheus(Path dir, List<String> targets) throws Exception {
        String binary = require();
        port = Processes.freePort();
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global: {scrape_interval: 1s, evaluation_interval: 1s}
                scrape_configs:
                  - job_name: faultline-agent
                    static_configs: [{targets: [%s]}]
                """.formatted(String.join(
                ", ", targets.stream().map(t -> "'" + t + "'").toList())));
        process = new ProcessBuilder(
                        binary,
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + Files.createDirectories(dir.resolve("tsdb")),
                        "--web.listen-address=127.0.0.1:" + port,
                        "--log.level=warn")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                if (get("/-/ready").statusCode() == 200) break;
            } catch (IOException notYet) {
                // starting
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                close();
                throw new AssertionError(
                        "prometheus did not become ready: " + Files.readString(dir.resolve("prometheus.log")));
            }
            Thread.sleep(100);
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** An instant query's raw JSON answer. */
    String query(String promql) throws Exception {
        return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))
                .body();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + path))
                        .timeout(Duration.ofSeconds(5))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    }
}
