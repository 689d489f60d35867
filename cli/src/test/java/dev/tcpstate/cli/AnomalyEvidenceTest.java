package dev.tcpstate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Evidence written directly into the JSON Lines anomaly records is the text Jackson writes for it. */
class AnomalyEvidenceTest {

    private static String direct(Map<String, Object> evidence) {
        JsonBuffer b = new JsonBuffer(1);
        AnomalyWriter.Jsonl.evidence(b, evidence);
        StringWriter w = new StringWriter();
        b.writeTo(Utf8Sink.of(new PrintWriter(w)));
        return w.toString();
    }

    private static String jackson(Map<String, Object> evidence) throws Exception {
        return Json.mapper().writeValueAsString(evidence);
    }

    @Test
    void plainEvidenceIsJacksonsText() throws Exception {
        List<Map<String, Object>> maps = new ArrayList<>();
        maps.add(Map.of());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("flags", "SYN|ACK");
        m.put("bytes", 1460);
        m.put("ack", 4_294_967_295L);
        m.put("delta", -12L);
        m.put("min_int", Integer.MIN_VALUE);
        m.put("min_long", Long.MIN_VALUE);
        m.put("ack_flag", true);
        m.put("fin", false);
        m.put("none", null);
        m.put("packets", List.of(1L, 2L, 300L));
        m.put("empty", List.of());
        m.put("mixed", Arrays.asList("a\"b", null, 7, 2.5, true));
        m.put("quote \" key\n\u00e9", "value \\ \u0001 \u4e2d \ud83d\ude00");
        maps.add(m);
        Map<String, Object> doubles = new LinkedHashMap<>();
        double[] ds = {0.0, -0.0, 1.0, 0.1, 0.5, 1.5, 12.345, 1e-3, 1e-4, 1e-7, 123456.789, 1e7, 1.0e21, 9.999e22,
                Double.MIN_VALUE, Double.MAX_VALUE, -3.25, 2.0 / 3};
        for (int i = 0; i < ds.length; i++) {
            doubles.put("d" + i, ds[i]);
        }
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 2000; i++) {
            doubles.put("r" + i, Math.round(r.nextDouble() * Math.pow(10, r.nextInt(12))) / 1000.0);
            doubles.put("x" + i, Double.longBitsToDouble(r.nextLong()) % 1e30);
        }
        doubles.values().removeIf(v -> !Double.isFinite((Double) v));
        maps.add(doubles);
        for (Map<String, Object> e : maps) {
            assertThat(AnomalyWriter.Jsonl.plain(e)).isTrue();
            assertThat(direct(e)).isEqualTo(jackson(e));
        }
    }

    @Test
    void otherEvidenceIsLeftToJackson() {
        List<Object> others = List.of(Double.NaN, Double.POSITIVE_INFINITY, 1.5f, (short) 3, new java.math.BigDecimal("1.0"),
                List.of(List.of(1)), Map.of("a", 1), dev.tcpstate.analyzer.tcp.TcpState.CLOSED);
        for (Object o : others) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("x", 1);
            e.put("v", o);
            assertThat(AnomalyWriter.Jsonl.plain(e)).as("%s", o).isFalse();
        }
        Map<String, Object> nullKey = new LinkedHashMap<>();
        nullKey.put(null, 1);
        assertThat(AnomalyWriter.Jsonl.plain(nullKey)).isFalse();
    }
}
