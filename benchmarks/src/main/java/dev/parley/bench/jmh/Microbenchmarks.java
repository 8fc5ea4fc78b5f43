package dev.parley.bench.jmh;

import dev.parley.bench.report.Report;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/** Runs the JMH benchmarks of this package (full runs only) and reports their scores. */
public final class Microbenchmarks {
    private Microbenchmarks() {}

    public static void run(Report report) throws Exception {
        Options options = new OptionsBuilder().include(FrameCodecBench.class.getName()).build();
        report.comment("JMH (1 fork, 3 x 1 s warm-up, 5 x 1 s measured, average time): the frame codec on a send "
                + "frame with a small JSON body, ids as Cognito issues them");
        for (RunResult result : new Runner(options).run()) {
            String method = result.getParams().getBenchmark();
            method = method.substring(method.lastIndexOf('.') + 1);
            String name = "codec_" + method.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT) + "_ns";
            report.add(name, result.getPrimaryResult().getScore(), "ns");
        }
    }
}
