package dev.faultline.bench.method;

/** Two identical methods: one the benchmark's rule matches, one no rule ever touches. */
public final class Targets {
    private Targets() {}

    public static final class Instrumented {
        public int work(int x) {
            return x * 31 + 7;
        }
    }

    public static final class Plain {
        public int work(int x) {
            return x * 31 + 7;
        }
    }
}
