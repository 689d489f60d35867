package dev.tcpstate.cli;

import dev.tcpstate.parsers.decode.TcpPacket;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Which TCP segments an analysing command looks at. Filters given together must all match. */
final class FilterOptions {

    @Option(names = "--host", paramLabel = "ADDR",
            description = "Only segments from or to this address (IPv4 or IPv6); repeat for any of several.")
    List<String> hosts;

    @Option(names = "--port", paramLabel = "N",
            description = "Only segments from or to this port; repeat for any of several.")
    List<Integer> ports;

    @Option(names = "--conn", paramLabel = "ADDR:PORT-ADDR:PORT",
            description = "Only this socket pair, in either order (IPv6 as [ADDR]:PORT).")
    String conn;

    @Option(names = "--between", arity = "2", paramLabel = "TIME",
            description = "Only packets from the first TIME to the second: seconds from the first packet (12.5) or"
                    + " ISO-8601 timestamps (2024-05-01T10:15:30Z).")
    List<String> between;

    /** The socket pair of --conn, or null. */
    Addresses.SocketPair pair(CommandLine cmd) {
        if (conn == null) {
            return null;
        }
        try {
            return Addresses.SocketPair.parse(conn);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, "--conn: " + e.getMessage());
        }
    }

    /** Whether any filter was given. */
    boolean any() {
        return hosts != null && !hosts.isEmpty() || ports != null && !ports.isEmpty() || conn != null
                || between != null;
    }

    /** The --between window as two times, or null; a bad value is a usage error. */
    CaptureTime[] window(CommandLine cmd) {
        if (between == null) {
            return null;
        }
        CaptureTime from = time(cmd, between.get(0));
        CaptureTime to = time(cmd, between.get(1));
        if (from.relative() == to.relative() && to.nanos() < from.nanos()) {
            throw new CommandLine.ParameterException(cmd, "--between: " + between.get(1) + " comes before "
                    + between.get(0));
        }
        return new CaptureTime[] {from, to};
    }

    /** Applies the filters to an analysis; a bad value is a usage error. */
    Analysis apply(Analysis a, CommandLine cmd) {
        Predicate<TcpPacket> test = segmentTest(cmd);
        if (test != null) {
            a.filter(test);
        }
        CaptureTime[] w = window(cmd);
        if (w != null) {
            a.window(w[0], w[1]);
        }
        return a;
    }

    /** The --host, --port and --conn filters as one test on segments, or null when none was given. */
    Predicate<TcpPacket> segmentTest(CommandLine cmd) {
        List<Predicate<TcpPacket>> tests = new ArrayList<>();
        if (hosts != null && !hosts.isEmpty()) {
            List<Addresses.Address> addrs = new ArrayList<>();
            for (String h : hosts) {
                try {
                    addrs.add(Addresses.Address.parse(h));
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(cmd, "--host: " + e.getMessage());
                }
            }
            tests.add(p -> {
                for (Addresses.Address x : addrs) {
                    if (x.version() == p.ipVersion && (x.hi() == p.srcHi && x.lo() == p.srcLo
                            || x.hi() == p.dstHi && x.lo() == p.dstLo)) {
                        return true;
                    }
                }
                return false;
            });
        }
        if (ports != null && !ports.isEmpty()) {
            for (int port : ports) {
                if (port < 0 || port > 65535) {
                    throw new CommandLine.ParameterException(cmd, "--port: " + port + " is outside 0..65535");
                }
            }
            int[] ps = ports.stream().mapToInt(Integer::intValue).toArray();
            tests.add(p -> {
                for (int x : ps) {
                    if (p.srcPort == x || p.dstPort == x) {
                        return true;
                    }
                }
                return false;
            });
        }
        Addresses.SocketPair pair = pair(cmd);
        if (pair != null) {
            tests.add(pair::matches);
        }
        if (tests.isEmpty()) {
            return null;
        }
        return p -> {
            for (Predicate<TcpPacket> t : tests) {
                if (!t.test(p)) {
                    return false;
                }
            }
            return true;
        };
    }

    boolean hasWindow() {
        return between != null;
    }

    private static CaptureTime time(CommandLine cmd, String text) {
        try {
            return CaptureTime.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, "--between: " + e.getMessage());
        }
    }
}
