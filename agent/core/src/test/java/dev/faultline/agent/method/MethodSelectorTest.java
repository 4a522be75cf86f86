package dev.faultline.agent.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.agent.spec.SpecParser;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import org.junit.jupiter.api.Test;

/** class= / method= matching, on loaded classes (reflection) and on Byte Buddy descriptions (the transformer). */
class MethodSelectorTest {
    abstract static class Base {
        public abstract void execute() throws SQLException;

        public void executeBatch() throws SQLException {}
    }

    static class Impl extends Base implements Runnable {
        Impl() {}

        @Override
        public void execute() {}

        public void run() {}

        public native void executeNative();

        public void query() throws IOException {}
    }

    static MethodSelector selector(String classPattern, String methodPattern) {
        return new MethodSelector(
                SpecParser.parse("latency on=method class=" + classPattern + " method=" + methodPattern + " delay=1ms"),
                null);
    }

    @Test
    void plusReachesSubtypesAndImplementorsButAPlainNameOnlyItself() {
        MethodSelector statements = selector("java.sql.Statement+", "execute*");
        assertTrue(statements.matches(Statement.class));
        assertTrue(statements.matches(PreparedStatement.class), "a sub-interface");
        assertFalse(statements.matches(Impl.class));
        assertTrue(selector(Base.class.getName() + "+", "*").matches(Impl.class), "a subclass");
        assertTrue(selector("java.lang.Runnable+", "run").matches(Impl.class), "an implementor");
        assertFalse(selector(Base.class.getName(), "*").matches(Impl.class), "no '+': only the class itself");
        assertTrue(
                selector("dev.faultline.agent.method.MethodSelectorTest$*", "*").matches(Impl.class), "a glob");
        assertTrue(
                selector("DEV.faultline.agent.method.methodselectortest$impl", "*")
                        .matches(Impl.class),
                "case-insensitive");
    }

    @Test
    void theTransformerMatchesTheSameTypes() {
        TypeDescription impl = TypeDescription.ForLoadedType.of(Impl.class);
        assertTrue(selector(Base.class.getName() + "+", "*")
                .typeMatcher()
                .matches(impl, Impl.class.getClassLoader(), null, null, null));
        assertTrue(selector("java.lang.Runnable+", "*")
                .typeMatcher()
                .matches(impl, Impl.class.getClassLoader(), null, null, null));
        assertFalse(selector("java.sql.Statement+", "*")
                .typeMatcher()
                .matches(impl, Impl.class.getClassLoader(), null, null, null));
    }

    @Test
    void neverConstructorsAbstractNativeOrSyntheticMethods() {
        MethodSelector all = selector(Impl.class.getName(), "*");
        TypeDescription impl = TypeDescription.ForLoadedType.of(Impl.class);
        long matched = impl.getDeclaredMethods().stream()
                .filter(m -> all.methodMatcher().matches(m))
                .count();
        assertEquals(3, matched, "execute, run, query: " + impl.getDeclaredMethods());
        for (MethodDescription.InDefinedShape m : impl.getDeclaredMethods()) {
            if (m.isConstructor() || m.isNative())
                assertFalse(all.methodMatcher().matches(m), m.toString());
        }
        TypeDescription base = TypeDescription.ForLoadedType.of(Base.class);
        long inBase = base.getDeclaredMethods().stream()
                .filter(m -> selector(Base.class.getName(), "execute*")
                        .methodMatcher()
                        .matches(m))
                .count();
        assertEquals(1, inBase, "executeBatch only: execute is abstract");
    }

    @Test
    void aCheckedExceptionIsOnlyInjectedWhereItIsDeclared() throws Exception {
        MethodSelector sql = new MethodSelector(
                SpecParser.parse("error on=method class=x.Y method=* exception=java.sql.SQLException"),
                Set.of(SQLException.class.getName(), Exception.class.getName(), Throwable.class.getName()));
        assertTrue(sql.declaresException(Base.class.getMethod("executeBatch")));
        assertFalse(sql.declaresException(Impl.class.getMethod("execute")), "Impl.execute narrows the throws clause");
        assertFalse(sql.declaresException(Impl.class.getMethod("query")), "IOException is not SQLException");
        TypeDescription impl = TypeDescription.ForLoadedType.of(Impl.class);
        assertTrue(impl.getDeclaredMethods().stream()
                .noneMatch(m -> sql.methodMatcher().matches(m)));
    }

    @Test
    void literalClassNames() {
        assertEquals("java.sql.Statement", selector("java.sql.Statement+", "x").literalClassName());
        assertEquals("com.acme.Pay", selector("com.acme.Pay", "x").literalClassName());
        assertNull(selector("com.acme.*", "x").literalClassName());
    }
}
