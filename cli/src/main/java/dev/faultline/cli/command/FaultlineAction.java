package dev.faultline.cli.command;

import dev.faultline.cli.docker.DockerTargets;
import dev.faultline.cli.fleet.Answer;
import dev.faultline.cli.fleet.Call;
import dev.faultline.cli.fleet.Fleet;
import dev.faultline.cli.fleet.Target;
import dev.faultline.common.sidecar.SidecarLease;
import dev.faultline.common.words.Tokenizer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * A {@code process} provider whose path is {@code faultline}, run in-process: the same command line, with every
 * fault it arms leased ({@link Leases}) and remembered, so the run can undo exactly what it armed.
 */
public final class FaultlineAction {
    /** One fault or sidecar experiment the run armed: undone by remove(id) or stop(id) on its target. */
    public record Armed(Target target, String id, Fleet fleet) {
        public Answer undo() {
            return fleet.each(List.of(target), t -> Call.of(t.kind() == Target.Kind.AGENT ? "remove" : "stop", id))
                    .get(0);
        }
    }

    /**
     * {@code words}: the fault spec or sidecar command as leased and sent; {@code expires}: when what it armed
     * expires by its lease (its {@code ttl=} or {@code --duration} from when it was armed), null if it armed
     * nothing lasting.
     */
    public record Outcome(
            int exitCode, String stdout, String stderr, List<Armed> armed, List<String> words, Instant expires) {}

    private FaultlineAction() {}

    public static Outcome run(List<String> words, Duration lease) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter o = new PrintWriter(out, true);
        PrintWriter e = new PrintWriter(err, true);
        CommandLine cl = FaultlineCli.commandLine();
        cl.setOut(o);
        cl.setErr(e);
        List<Armed> armed = new ArrayList<>();
        List<String> used = words;
        Duration lasts = null;
        int code;
        try {
            CommandLine.ParseResult parsed = cl.parseArgs(words.toArray(String[]::new));
            while (parsed.hasSubcommand()) parsed = parsed.subcommand();
            Object command = parsed.commandSpec().userObject();
            List<Answer> answers = null;
            String name = null;
            if (command instanceof AgentCommand.Add add) {
                add.words = Leases.agentSpec(add.words, lease);
                used = add.words;
                lasts = Leases.ttl(add.words);
                answers = add.answers();
                name = "agent add";
                for (Answer a : answers)
                    if (a.confirmed()) armed.add(new Armed(a.target(), (String) a.value(), add.fleet()));
            } else if (command instanceof SidecarCommand.Run run) {
                // leased as the daemon will read them (it splits run()'s line again), so no word can hide a verb
                // from the lease; the leased words go out quoted the same way
                List<String> leased = Leases.sidecarCommand(Tokenizer.words(SidecarCommand.Run.line(run.words)), lease);
                run.words = leased;
                used = leased.stream().map(SidecarCommand.Run::word).toList();
                // a repeating one lasts until its last action's change ends
                lasts = SidecarLease.read(leased).until();
                answers = run.answers();
                name = "sidecar run";
                for (Answer a : answers)
                    if (a.confirmed()) armed.add(new Armed(a.target(), (String) a.value(), run.fleet()));
            }
            if (answers != null) {
                code = AnswerReport.print(name, answers, false, o, e);
            } else {
                code = cl.execute(words.toArray(String[]::new));
            }
        } catch (DockerTargets.Refused ex) {
            e.println("faultline: " + ex.getMessage());
            code = ExitCode.NO_TARGETS;
        } catch (CommandLine.ParameterException | IllegalArgumentException ex) {
            e.println("faultline: " + ex.getMessage());
            code = ExitCode.USAGE;
        }
        Instant expires =
                lasts == null || armed.isEmpty() ? null : Instant.now().plus(lasts);
        return new Outcome(code, out.toString(), err.toString(), armed, used, expires);
    }
}
