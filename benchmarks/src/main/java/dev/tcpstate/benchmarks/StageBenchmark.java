package dev.tcpstate.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How every stage is measured (the subclasses inherit it): average time per record or segment in nanoseconds, five
 * warm-up and five measured iterations of two seconds in one forked JVM, with the collector, young-generation cap and
 * a heap large enough for a medium capture held in memory.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC", "-XX:MaxNewSize=256m", "-Xmx4g"})
abstract class StageBenchmark {
}
