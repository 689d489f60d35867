package dev.tcpstate.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Where a command's records go ({@code -o/--output FILE} or standard output) and in which format. */
final class Output {
    private Output() {
    }

    /** File extensions and the format each names. */
    static final Map<String, String> EXTENSIONS = Map.of("csv", "CSV", "jsonl", "JSONL", "json", "JSON",
            "txt", "TEXT", "text", "TEXT");

    /**
     * The format: the one given, else the one the file's extension names, else text.
     *
     * @param option the option that named the file, for messages
     * @throws CliException (usage) when the extension names no format this command writes
     */
    static <E extends Enum<E>> E format(E given, String option, Path file, Class<E> type) {
        if (given != null) {
            return given;
        }
        E text = Enum.valueOf(type, "TEXT");
        if (file == null) {
            return text;
        }
        String ext = OutputFile.extension(file);
        String name = EXTENSIONS.get(ext);
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        String formats = Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
        String ours = Arrays.stream(type.getEnumConstants())
                .flatMap(e -> EXTENSIONS.entrySet().stream().filter(x -> x.getValue().equals(e.name()))
                        .map(x -> "." + x.getKey()))
                .sorted().collect(Collectors.joining(", "));
        throw new CliException(ExitCode.USAGE, option + " " + file + ": cannot tell the format from the name"
                + (ext.isEmpty() ? "" : " (." + ext + ")") + "; name it " + ours + " or give --format (" + formats
                + ")");
    }

    /** Standard output, or the file (created or truncated now, so an unwritable path fails before any analysis). */
    static PrintWriter open(PrintWriter stdout, Path file) {
        return file == null ? stdout : OutputFile.open("--output", file);
    }

    /** Flushes, and closes the writer when it is a file. */
    static void close(PrintWriter w, Path file) {
        w.flush();
        if (file != null) {
            w.close();
        }
    }
}
