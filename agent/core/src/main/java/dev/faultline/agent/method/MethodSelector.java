package dev.faultline.agent.method;

import dev.faultline.agent.bootstrap.FaultSpec;
import dev.faultline.agent.bootstrap.Glob;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code class=} and {@code method=} of a method rule, applied the same way to loaded classes (reflection,
 * when a rule is checked and armed) and to classes being loaded (Byte Buddy descriptions, in the transformer).
 * {@code class=X+} means X and every subtype and implementor of X. Constructors, type initialisers, abstract,
 * native, bridge and synthetic methods are never matched, nor are the agent's own classes and the {@link #PROTECTED_PACKAGES}.
 */
final class MethodSelector {
    private static final String OWN_PACKAGE = "dev.faultline.agent.";
    /**
     * Never instrumented: the way the operator stops a fault (JMX, RMI and their security checks) and the JDK
     * core the hook itself runs on (java.lang, atomics, locks). A rule there could lock the operator out until
     * its ttl, or recurse into itself. A glob such as {@code *} skips these packages; a pattern inside one is refused.
     */
    static final List<String> PROTECTED_PACKAGES = List.of(
            "java.lang.",
            "java.util.concurrent.atomic.",
            "java.util.concurrent.locks.",
            "jdk.internal.misc.",
            "jdk.internal.reflect.",
            "jdk.internal.vm.",
            "jdk.internal.loader.",
            "jdk.internal.access.",
            "sun.misc.",
            "sun.reflect.",
            "java.security.",
            "sun.security.",
            "javax.management.",
            "com.sun.jmx.",
            "java.rmi.",
            "javax.rmi.",
            "sun.rmi.",
            "com.sun.proxy.");

    final String classPattern; // as written, with its '+'
    private final String classGlob; // lower case, without '+'
    final boolean subtypes;
    private final String methodGlob;
    /** Non-null when an error's exception is checked and force=true is not given: names of it and its supertypes. */
    private final Set<String> checkedExceptionNames;

    MethodSelector(FaultSpec spec, Set<String> checkedExceptionNames) {
        String c = spec.where().classPattern();
        this.classPattern = c;
        this.subtypes = c.endsWith("+");
        this.classGlob = (subtypes ? c.substring(0, c.length() - 1) : c).toLowerCase(Locale.ROOT);
        this.methodGlob = spec.where().methodPattern().toLowerCase(Locale.ROOT);
        this.checkedExceptionNames = checkedExceptionNames;
    }

    /** The base class name when class= names one class exactly (with or without '+'), else null. */
    String literalClassName() {
        String base = subtypes ? classPattern.substring(0, classPattern.length() - 1) : classPattern;
        return Glob.isLiteral(base) ? base : null;
    }

    /** The package a pattern cannot reach into, judged by its literal part before the first wildcard; else null. */
    String protectedPackage() {
        String base = subtypes ? classPattern.substring(0, classPattern.length() - 1) : classPattern;
        int wildcard = indexOfWildcard(base);
        String prefix = wildcard < 0 ? base : base.substring(0, wildcard);
        for (String p : PROTECTED_PACKAGES) {
            if (prefix.startsWith(p) || (wildcard < 0 && (base + ".").equals(p))) return p;
        }
        return null;
    }

    private static int indexOfWildcard(String s) {
        int star = s.indexOf('*');
        int q = s.indexOf('?');
        return star < 0 ? q : q < 0 ? star : Math.min(star, q);
    }

    private static boolean isProtected(String className) {
        for (String p : PROTECTED_PACKAGES) if (className.startsWith(p)) return true;
        return false;
    }

    // ---- loaded classes (reflection) ----

    boolean matches(Class<?> c) {
        if (c.isArray()
                || c.isPrimitive()
                || c.isSynthetic()
                || c.isHidden()
                || isOffLimits(c.getName(), c.getClassLoader())) return false;
        if (!subtypes) return Glob.matches(classGlob, c.getName());
        Deque<Class<?>> todo = new ArrayDeque<>();
        Set<Class<?>> seen = new HashSet<>();
        todo.add(c);
        while (!todo.isEmpty()) {
            Class<?> t = todo.poll();
            if (!seen.add(t)) continue;
            if (Glob.matches(classGlob, t.getName())) return true;
            if (t.getSuperclass() != null) todo.add(t.getSuperclass());
            for (Class<?> i : t.getInterfaces()) todo.add(i);
        }
        return false;
    }

    /** A method named like method=, including abstract ones (they say the name exists for implementors). */
    boolean namedLike(Method m) {
        return !m.isBridge() && !m.isSynthetic() && Glob.matches(methodGlob, m.getName());
    }

    static boolean instrumentable(Method m) {
        return !Modifier.isAbstract(m.getModifiers()) && !Modifier.isNative(m.getModifiers());
    }

    boolean declaresException(Method m) {
        if (checkedExceptionNames == null) return true;
        for (Class<?> declared : m.getExceptionTypes()) {
            if (checkedExceptionNames.contains(declared.getName())) return true;
        }
        return false;
    }

    // ---- classes being transformed (Byte Buddy) ----

    /**
     * The agent's own classes live in the bootstrap loader (a service's dev.faultline.agent classes are fair game),
     * and so do the protected JDK packages.
     */
    private static boolean isOffLimits(String name, ClassLoader loader) {
        return name.startsWith(OWN_PACKAGE) ? loader == null : isProtected(name);
    }

    /**
     * The classes to transform: named like class= and declaring a method the advice goes on. A class with no such
     * method would be rewritten (and, when loaded, redefined at a safepoint) for nothing: a class=* rule names
     * thousands of classes, of which method= picks a few.
     */
    AgentBuilder.RawMatcher typeMatcher() {
        ElementMatcher<MethodDescription> methods = methodMatcher();
        return (type, loader, module, redefined, pd) -> {
            try {
                if (type.isArray() || type.isPrimitive() || type.isSynthetic() || isOffLimits(type.getName(), loader))
                    return false;
                if (subtypes ? !hasSuperTypeNamedLike(type) : !Glob.matches(classGlob, type.getName())) return false;
            } catch (RuntimeException | LinkageError e) {
                return false; // a super type that cannot be resolved: not ours to instrument
            }
            try {
                for (MethodDescription m : type.getDeclaredMethods()) if (methods.matches(m)) return true;
                return false;
            } catch (RuntimeException | LinkageError e) {
                return true; // methods this loader cannot describe: let the transformation decide
            }
        };
    }

    private boolean hasSuperTypeNamedLike(TypeDescription type) {
        Deque<TypeDefinition> todo = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        todo.add(type);
        while (!todo.isEmpty()) {
            TypeDescription t = todo.poll().asErasure();
            if (!seen.add(t.getName())) continue;
            if (Glob.matches(classGlob, t.getName())) return true;
            TypeDescription.Generic sup = t.getSuperClass();
            if (sup != null) todo.add(sup);
            for (TypeDescription.Generic i : t.getInterfaces()) todo.add(i);
        }
        return false;
    }

    ElementMatcher<MethodDescription> methodMatcher() {
        return m -> {
            if (!m.isMethod() || m.isAbstract() || m.isNative() || m.isBridge() || m.isSynthetic()) return false;
            if (!Glob.matches(methodGlob, m.getInternalName())) return false;
            if (checkedExceptionNames == null) return true;
            for (TypeDescription declared : m.getExceptionTypes().asErasures()) {
                if (checkedExceptionNames.contains(declared.getName())) return true;
            }
            return false; // would throw a checked exception the method cannot throw: left alone
        };
    }
}
