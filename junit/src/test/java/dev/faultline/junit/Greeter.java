package dev.faultline.junit;

import java.io.IOException;

/** The code under test of this module's tests: a method the agent's method faults can act on. */
public final class Greeter {
    private Greeter() {}

    public static String greet(String name) throws IOException {
        return "hello " + name;
    }
}
