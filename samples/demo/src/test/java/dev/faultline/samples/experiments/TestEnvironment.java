package dev.faultline.samples.experiments;

import dev.faultline.samples.fleet.Docker;
import dev.faultline.samples.fleet.SampleFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What the experiments need from the machine. Missing on a developer's machine: the test is skipped and
 * says why. Missing in CI ({@code CI=true}): the test fails, because a skipped experiment proves nothing.
 */
public final class TestEnvironment {

    private TestEnvironment() {}

    public static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    public static void skipOrFail(String reason) {
        if (ci()) {
            Assertions.fail("CI=true, so this is a failure, not a skip: " + reason);
        }
        System.out.println("SKIPPED: " + reason);
        Assumptions.abort(reason);
    }

    public static Path requireFile(Path file, String howToGetIt) {
        if (!Files.isRegularFile(file)) {
            skipOrFail(file + " is missing; " + howToGetIt);
        }
        return file;
    }

    public static SampleFiles files() {
        return SampleFiles.locate();
    }

    public static Path agentJar() {
        return requireFile(files().agentJar(), "build it with `mvn -B -q -DskipTests package`");
    }

    public static Path sidecarJar() {
        return requireFile(files().sidecarJar(), "build it with `mvn -B -q -DskipTests package`");
    }

    public static void requireDocker() {
        Optional<String> reason = Docker.unavailableReason();
        reason.ifPresent(r -> skipOrFail("no Docker engine: " + r));
    }

    /** The base image for the sample image: nothing can be pulled here, so it must be built locally. */
    public static String baseImage() {
        String configured = System.getProperty("faultline.baseImage", System.getenv("FAULTLINE_BASE_IMAGE"));
        String image = configured != null && !configured.isBlank() ? configured : "faultline/jre-base:local";
        if (!Docker.imageExists(image)) {
            skipOrFail("base image " + image + " is missing; build it with `bash .ci/images.sh`");
        }
        return image;
    }
}
