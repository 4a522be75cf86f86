package dev.faultline.agent.bootstrap;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;

/**
 * Makes the exception an {@code error} fault throws. The class is resolved when the fault is armed (so a
 * typo is refused at add time), and a new instance is made per injection so its stack trace is the caller's.
 */
public final class ThrowableFactory {
    private final Constructor<? extends Throwable> withMessage;
    private final Constructor<? extends Throwable> noArgs;
    private final String message;

    private ThrowableFactory(
            Constructor<? extends Throwable> withMessage, Constructor<? extends Throwable> noArgs, String message) {
        this.withMessage = withMessage;
        this.noArgs = noArgs;
        this.message = message;
    }

    /** No exception= given: the hook supplies its own faithful default. */
    public static final ThrowableFactory HOOK_DEFAULT = new ThrowableFactory(null, null, null);

    public static ThrowableFactory forSpec(FaultSpec spec, ClassLoader loader, Class<?>... allowedChecked) {
        if (!(spec.effect() instanceof Effect.Failure failure)) return HOOK_DEFAULT;
        String exception = failure.exception();
        if (exception == null) {
            return failure.message() == null ? HOOK_DEFAULT : new ThrowableFactory(null, null, failure.message());
        }
        Class<?> type;
        try {
            type = Class.forName(exception, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new Refusal("exception=" + exception + ": no such class");
        }
        if (!Throwable.class.isAssignableFrom(type)) {
            throw new Refusal("exception=" + exception + ": not a Throwable");
        }
        boolean unchecked = RuntimeException.class.isAssignableFrom(type) || Error.class.isAssignableFrom(type);
        if (!unchecked && !spec.force()) {
            boolean ok = false;
            for (Class<?> allowed : allowedChecked) ok |= allowed.isAssignableFrom(type);
            if (!ok) {
                throw new Refusal("exception=" + exception + ": a checked exception the call cannot throw"
                        + (allowedChecked.length > 0 ? " (it declares " + allowedChecked[0].getName() + ")" : "")
                        + "; use an unchecked one, or force=true");
            }
        }
        @SuppressWarnings("unchecked")
        Class<? extends Throwable> t = (Class<? extends Throwable>) type;
        Constructor<? extends Throwable> withMessage = constructor(t, String.class);
        Constructor<? extends Throwable> noArgs = constructor(t);
        if (withMessage == null && noArgs == null) {
            throw new Refusal("exception=" + exception + ": has no public (String) or () constructor");
        }
        return new ThrowableFactory(withMessage, noArgs, failure.message());
    }

    private static Constructor<? extends Throwable> constructor(Class<? extends Throwable> t, Class<?>... params) {
        try {
            return t.getConstructor(params);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    public boolean isHookDefault() {
        return withMessage == null && noArgs == null;
    }

    /** The message to use with the hook's own exception type, or the hook's default message. */
    public String messageOr(String hookDefault) {
        return message != null ? message : hookDefault;
    }

    public Throwable create(String hookDefaultMessage) {
        try {
            if (withMessage != null) return withMessage.newInstance(messageOr(hookDefaultMessage));
            return noArgs.newInstance();
        } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
            return new IllegalStateException(
                    "faultline: could not create "
                            + (withMessage != null ? withMessage : noArgs)
                                    .getDeclaringClass()
                                    .getName(),
                    e);
        }
    }
}
