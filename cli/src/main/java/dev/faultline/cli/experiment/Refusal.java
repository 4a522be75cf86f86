package dev.faultline.cli.experiment;

/** What is wrong with an experiment file, at the JSON path where it is ({@code method[2].provider.type}). */
public record Refusal(String path, String message) {
    @Override
    public String toString() {
        return (path.isEmpty() ? "(file)" : path) + ": " + message;
    }
}
