package dev.tcpstate.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.tcpstate.parsers.live.LiveCapture;
import dev.tcpstate.parsers.live.LiveCaptureException;
import dev.tcpstate.parsers.live.LiveInterface;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tcpstate interfaces}: what {@code tcpstate live -i} can capture on. */
@Command(name = "interfaces",
        description = "Lists the interfaces libpcap can capture on, with their state and addresses.",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        footerHeading = "%nExamples:%n",
        footer = {"  tcpstate interfaces", "  tcpstate interfaces --format jsonl | jq -r .name"})
final class InterfacesCommand implements Callable<Integer> {

    enum Format { TEXT, JSONL }

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        List<LiveInterface> all;
        try {
            all = LiveCapture.listInterfaces();
        } catch (LiveCaptureException e) {
            throw new CliException(ExitCode.CAPTURE_UNREADABLE, e.getMessage(), e);
        }
        if (format == Format.JSONL) {
            JsonGenerator g = Json.mapper().getFactory().createGenerator(out);
            g.setRootValueSeparator(null);
            for (LiveInterface i : all) {
                g.writeStartObject();
                g.writeNumberField("schema_version", Json.SCHEMA_VERSION);
                g.writeStringField("name", i.name());
                g.writeStringField("description", i.description());
                g.writeBooleanField("up", i.up());
                g.writeBooleanField("running", i.running());
                g.writeBooleanField("loopback", i.loopback());
                g.writeArrayFieldStart("addresses");
                for (String a : i.addresses()) {
                    g.writeString(a);
                }
                g.writeEndArray();
                g.writeEndObject();
                g.flush();
                out.println();
            }
        } else {
            if (all.isEmpty()) {
                out.println("no interfaces (capturing may need root, or CAP_NET_RAW and CAP_NET_ADMIN)");
            }
            int width = all.stream().mapToInt(i -> i.name().length()).max().orElse(4);
            for (LiveInterface i : all) {
                List<String> flags = new ArrayList<>();
                flags.add(i.up() ? (i.running() ? "up" : "up, no carrier") : "down");
                if (i.loopback()) {
                    flags.add("loopback");
                }
                String addrs = i.addresses().isEmpty() ? "-" : String.join(" ", i.addresses());
                out.printf("%-" + width + "s  %-16s  %s%s%n", i.name(), String.join(", ", flags), addrs,
                        i.description() == null ? "" : "  (" + i.description() + ")");
            }
        }
        out.flush();
        return ExitCode.OK;
    }
}
