package dev.tcpstate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Opens files the user named for writing; a path that cannot be written is one line and exit code 2. */
final class OutputFile {
    private OutputFile() {
    }

    /**
     * Opens (creates or truncates) {@code file} for writing.
     *
     * @param option the option that named it, for the message (e.g. "--output")
     * @throws CliException with {@link ExitCode#USAGE} when the file cannot be written
     */
    static PrintWriter open(String option, Path file) {
        if (Files.isDirectory(file)) {
            throw new CliException(ExitCode.USAGE, option + " " + file + ": is a directory, not a file");
        }
        try {
            return new StreamPrintWriter(Files.newOutputStream(file), option + " " + file, 1 << 16);
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCode.USAGE, option + " " + file + ": cannot write: no such directory "
                    + (file.toAbsolutePath().getParent() == null ? "" : file.toAbsolutePath().getParent()), e);
        } catch (AccessDeniedException e) {
            throw new CliException(ExitCode.USAGE, option + " " + file + ": cannot write: permission denied", e);
        } catch (FileSystemException e) {
            throw new CliException(ExitCode.USAGE, option + " " + file + ": cannot write: "
                    + (e.getReason() == null ? e.getMessage() : e.getReason()), e);
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, option + " " + file + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** Reads a whole text file the user named; a file that cannot be read is one line and exit code 2. */
    static String read(String option, Path file) {
        if (Files.isDirectory(file)) {
            throw new CliException(ExitCode.USAGE, option + " " + file + ": is a directory, not a file");
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCode.USAGE, option + " " + file + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new CliException(ExitCode.USAGE, option + " " + file + ": permission denied", e);
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, option + " " + file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** The lower-case extension of a file name without the dot, or "" when none. */
    static String extension(Path file) {
        String n = file.getFileName() == null ? "" : file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot <= 0 ? "" : n.substring(dot + 1).toLowerCase(java.util.Locale.ROOT);
    }
}
