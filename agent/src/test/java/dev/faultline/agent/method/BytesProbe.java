package dev.faultline.agent.method;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.MessageDigest;
import java.security.ProtectionDomain;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReference;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;

/**
 * A tiny second -javaagent for the test services: it reads what a class's bytes are NOW, after every other
 * transformer (Faultline's included), by retransforming the class with a recording transformer registered
 * last, just for that one read.
 */
public final class BytesProbe {
    private static volatile Instrumentation inst;

    private BytesProbe() {}

    public static void premain(String args, Instrumentation instrumentation) {
        inst = instrumentation;
    }

    public static boolean installed() {
        return inst != null;
    }

    public static String digest(Class<?> type) throws Exception {
        AtomicReference<byte[]> seen = new AtomicReference<>();
        ClassFileTransformer recorder = new ClassFileTransformer() {
            @Override
            public byte[] transform(
                    Module module,
                    ClassLoader loader,
                    String name,
                    Class<?> redefined,
                    ProtectionDomain pd,
                    byte[] bytes) {
                if (redefined == type) seen.set(bytes.clone());
                return null;
            }
        };
        inst.addTransformer(recorder, true);
        try {
            inst.retransformClasses(type);
        } finally {
            inst.removeTransformer(recorder);
        }
        byte[] bytes = seen.get();
        if (bytes == null) throw new IllegalStateException("no bytes seen for " + type.getName());
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(canonical(bytes)))
                .substring(0, 16);
    }

    /**
     * The class rewritten with a fresh constant pool. HotSpot hands a transformer bytes it reconstitutes from
     * the loaded class, and every retransformation merges constant pools, so the same class comes back with
     * its constants renumbered; what the class says (members, instructions, constants, attributes) is what
     * we compare, in one canonical encoding.
     */
    static byte[] canonical(byte[] bytes) {
        ClassReader reader = new ClassReader(bytes);
        ClassWriter writer = new ClassWriter(0);
        reader.accept(writer, 0);
        return writer.toByteArray();
    }

    public static Class<?>[] loaded() {
        return inst.getAllLoadedClasses();
    }
}
