package dev.faultline.cli.experiment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A Chaos Toolkit experiment file, JSON or YAML (JSON is read as the YAML it is a subset of), as plain maps,
 * lists, strings, numbers and booleans: nothing in it is ever constructed as an object.
 */
public final class ExperimentFile {
    private ExperimentFile() {}

    public static Object read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException naming the line and column of what does not parse */
    public static Object parse(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(10);
        try {
            return new Yaml(new SafeConstructor(options)).load(text);
        } catch (MarkedYAMLException e) {
            var mark = e.getProblemMark();
            throw new IllegalArgumentException("neither JSON nor YAML at line " + (mark.getLine() + 1) + ", column "
                    + (mark.getColumn() + 1) + ": " + e.getProblem());
        } catch (YAMLException e) {
            throw new IllegalArgumentException("neither JSON nor YAML: " + e.getMessage());
        }
    }
}
