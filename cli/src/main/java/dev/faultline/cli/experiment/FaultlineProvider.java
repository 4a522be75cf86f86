package dev.faultline.cli.experiment;

import dev.faultline.cli.command.FaultlineAction;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code process} provider whose path is {@code faultline}, run in-process ({@link FaultlineAction}): leased, and
 * what it arms remembered for the clean-up. Its words are those the {@code faultline} program would get under
 * chaoslib: a list or an object as {@link ProcessProvider#words}, a string split as {@code /bin/sh} would split it
 * ({@link ShellWords}), so the same file runs the same under {@code chaos run}.
 */
record FaultlineProvider(Map<?, ?> spec) implements Provider {
    @Override
    public void check(String at, ActivityCheck c) {
        if (!ProcessProvider.checkShape(spec, at, c)) return;
        List<String> words;
        try {
            words = words(spec.get("arguments"));
        } catch (IllegalArgumentException e) {
            c.refuse(at + ".arguments", e.getMessage());
            return;
        }
        String refusal = c.faultline().refusal(words);
        if (refusal != null) c.refuse(at + ".arguments", refusal);
    }

    static List<String> words(Object args) {
        return args instanceof String s ? ShellWords.split(s) : ProcessProvider.words(args);
    }

    @Override
    public Refusal refusalAsTolerance(String at) {
        return new Refusal(at + ".provider.path", "a tolerance judges a value; faultline arms and clears faults");
    }

    @Override
    public Object run(Context context, Duration timeout) {
        FaultlineAction.Outcome r = FaultlineAction.run(
                words(spec.get("arguments")), context.lease().get());
        context.armed().addAll(r.armed());
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("status", r.exitCode());
        o.put("faultline_exit", r.exitCode());
        o.put("stdout", r.stdout());
        o.put("stderr", r.stderr());
        o.put("sent", String.join(" ", r.words()));
        o.put("expires", r.expires() == null ? null : r.expires().toString());
        o.put(
                "armed",
                r.armed().stream()
                        .map(a -> Map.of("target", a.target().toString(), "id", a.id()))
                        .toList());
        return o;
    }

    /** A non-zero exit fails the run, with what faultline wrote to stderr. */
    @Override
    public String failure(Object output) {
        if (!(output instanceof Map<?, ?> o) || Integer.valueOf(0).equals(o.get("faultline_exit"))) return null;
        return String.valueOf(o.get("stderr")).strip();
    }

    @Override
    public Object text(Object output) {
        return Provider.field(output, "stdout");
    }
}
