package dev.faultline.sidecar.runtime.detect;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/** {@code DetectOnce SOCKET…}: detection over these candidates in a JVM of its own, for the class-loading check. */
public final class DetectOnce {
    public static void main(String[] args) {
        System.out.println("detected "
                + new RuntimeEndpoints(Arrays.stream(args).map(Path::of).toList(), Duration.ofSeconds(2)).detect());
    }
}
