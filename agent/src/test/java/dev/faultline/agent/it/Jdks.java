package dev.faultline.agent.it;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

/**
 * The JDKs the agent is tested on: the one running the tests (17 here) and the Temurin 25 named by the
 * {@code faultline.jdk25.home} property. A missing JDK 25 is said aloud, and is a failure under CI.
 */
public final class Jdks {
    private Jdks() {}

    public record Jdk(String name, String home) {
        public String java() {
            return home + "/bin/java";
        }

        public int feature() {
            return name.equals("jdk25") ? 25 : Runtime.version().feature();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    public static Jdk current() {
        return new Jdk("jdk" + Runtime.version().feature(), System.getProperty("java.home"));
    }

    public static List<Jdk> all() {
        List<Jdk> out = new ArrayList<>();
        out.add(current());
        String home25 = System.getProperty("faultline.jdk25.home", "/usr/lib/jvm/temurin-25-jdk-amd64");
        if (new File(home25, "bin/java").canExecute()) {
            out.add(new Jdk("jdk25", home25));
        } else if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI: JDK 25 not found at " + home25 + " (set -Dfaultline.jdk25.home)");
        } else {
            System.out.println(
                    "[faultline-it] SKIPPING the JDK 25 runs: no JDK at " + home25 + " (set -Dfaultline.jdk25.home)");
        }
        return out;
    }
}
