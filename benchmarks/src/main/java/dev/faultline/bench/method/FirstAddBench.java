package dev.faultline.bench.method;

/**
 * What a fresh JVM's first {@code add} costs, against its second: run once per JVM with -javaagent (run.sh
 * {@code firstadd} starts many). The first add of a network rule installs the network hooks when the agent
 * defers them to it; {@code settle} ms of waiting first lets an agent that installs them in the background at
 * start-up finish that, so the figures compare what the operator waits for on a service that has been up a while.
 * Prints "first-add-ms second-add-ms".
 */
public final class FirstAddBench {
    private FirstAddBench() {}

    public static void main(String[] args) throws Exception {
        long settle = args.length > 0 ? Long.parseLong(args[0]) : 1000;
        Faultline.server();
        Thread.sleep(settle);
        String spec = "latency on=read host=192.0.2.1 port=9 delay=1ms ttl=1m";
        long t0 = System.nanoTime();
        String first = Faultline.add(spec);
        long t1 = System.nanoTime();
        String second = Faultline.add(spec);
        long t2 = System.nanoTime();
        Faultline.remove(first);
        Faultline.remove(second);
        System.out.printf("%.1f %.1f%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6);
    }
}
