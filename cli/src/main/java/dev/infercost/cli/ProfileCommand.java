package dev.infercost.cli;

import dev.infercost.base.OutputGuard;
import dev.infercost.profile.BatchResult;
import dev.infercost.profile.Engine;
import dev.infercost.profile.HostInfo;
import dev.infercost.profile.LatencyStats;
import dev.infercost.profile.ProfileOptions;
import dev.infercost.profile.ProfileReport;
import dev.infercost.profile.Profiler;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code infercost profile}: latency, throughput and memory of one model. */
@Command(
    name = "profile",
    mixinStandardHelpOptions = true,
    description = "Measure latency (p50/p90/p99, 95%% CI of the median), throughput and memory.")
final class ProfileCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "MODEL", description = "Model file or built-in name.")
  String model;

  @Option(
      names = "--shape",
      paramLabel = "NAME=DIMS",
      converter = Shapes.ShapeConverter.class,
      description = "Input shape, e.g. input_ids=1x128 (repeatable).")
  List<Shapes.Shape> shapes = new ArrayList<>();

  @Option(names = "--inputs", paramLabel = "FILE", description = "Inputs from a .npy/.npz file.")
  Path inputs;

  @Option(names = "--out", paramLabel = "FILE", description = "Also write the JSON report to FILE.")
  Path outFile;

  @Option(
      names = "--threads",
      converter = ThreadsConverter.class,
      defaultValue = "1",
      description = "Intra-op threads (default ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--batch",
      paramLabel = "B[,B...]",
      converter = Shapes.BatchConverter.class,
      description = "Batch sizes to sweep, e.g. 1,8,32.")
  List<Integer> batches = List.of();

  @Option(
      names = "--engine",
      defaultValue = "ort",
      converter = Choices.Engines.class,
      completionCandidates = Choices.Engines.class,
      description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  Engine engine;

  @Option(
      names = "--device",
      defaultValue = "cpu",
      converter = Choices.Devices.class,
      completionCandidates = Choices.Devices.class,
      description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  Choices.Device device;

  @Option(
      names = "--warmup",
      defaultValue = "5",
      description = "Minimum warm-up runs (default ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--min-samples",
      defaultValue = "30",
      description = "Minimum measured runs (default ${DEFAULT-VALUE}).")
  int minSamples;

  @Option(
      names = "--min-time",
      defaultValue = "2",
      description = "Minimum measuring seconds per batch (default ${DEFAULT-VALUE}).")
  double minTime;

  @Option(
      names = "--max-time",
      defaultValue = "60",
      description = "Measuring stops after this many seconds per batch (default ${DEFAULT-VALUE}).")
  double maxTime;

  @Override
  public Integer call() throws Exception {
    OutputGuard.of()
        .input("MODEL", Files.exists(Path.of(model)) ? Path.of(model) : null)
        .input("--inputs", inputs)
        .output("--out", outFile)
        .check();
    if (!(minTime >= 0 && Double.isFinite(minTime)) || !(maxTime > 0 && Double.isFinite(maxTime))) {
      throw new ParameterException(
          spec.commandLine(),
          "--min-time and --max-time must be finite seconds, >= 0 and > 0; got "
              + minTime
              + " and "
              + maxTime);
    }
    ProfileOptions.Builder b =
        ProfileOptions.builder()
            .optEngine(engine)
            .optCuda(device == Choices.Device.CUDA)
            .optThreads(threads)
            .optBatches(batches)
            .optWarmup(warmup, 500)
            .optSampling(minSamples, (long) (minTime * 1000), (long) (maxTime * 1000));
    Shapes.byInput(shapes).forEach(b::optShape);
    if (inputs != null) {
      b.optInputs(inputs);
    }
    ProfileOptions options;
    try {
      options = b.build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Progress progress = new Progress(spec.commandLine().getErr(), common.quiet);
    ProfileReport report = Profiler.profile(model, options, progress);
    progress.clear();
    if (outFile != null) {
      Json.write(outFile, report);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (common.json) {
      Json.print(out, report);
    } else {
      print(out, report);
    }
    return ExitCodes.OK;
  }

  /** The human table for a profile report (also used by quickstart). */
  static void print(PrintWriter out, ProfileReport r) {
    HostInfo h = r.host();
    out.println("model    " + r.model());
    out.println(
        "run      "
            + r.engine()
            + " on "
            + r.device()
            + ", "
            + r.threads()
            + " thread(s), inputs "
            + r.inputSource());
    out.println(
        "host     "
            + h.cpuModel()
            + ", "
            + h.logicalCores()
            + " logical cores"
            + (h.cpuFeatures().isEmpty() ? "" : " (" + String.join(" ", h.cpuFeatures()) + ")")
            + ", ONNX Runtime "
            + h.onnxRuntime()
            + ", Java "
            + Runtime.version().feature());
    Table t =
        new Table(
            "batch",
            "p50 ms",
            "95% CI",
            "p90 ms",
            "p99 ms",
            "mean",
            "stdev",
            "min",
            "n",
            "inf/s",
            "peak RSS",
            "noisy");
    for (BatchResult b : r.results()) {
      LatencyStats l = b.latency();
      t.row(
          b.batch(),
          Table.ms(l.p50()),
          Table.ms(l.ciLow()) + "-" + Table.ms(l.ciHigh()),
          Table.ms(l.p90()),
          Table.ms(l.p99()),
          Table.ms(l.mean()),
          Table.ms(l.stdev()),
          Table.ms(l.min()),
          l.samples(),
          String.format(Locale.ROOT, "%.1f", b.throughput()),
          Table.bytes(b.memory().peakRss()),
          l.noisy() ? "NOISY" : "no");
    }
    t.print(out);
    if (!r.results().isEmpty()) {
      var m = r.results().get(0).memory();
      out.println(
          "memory   model "
              + Table.bytes(m.modelBytes())
              + ", RSS after load "
              + Table.bytes(m.rssAfterLoad())
              + " ("
              + m.source()
              + ")");
    }
    out.flush();
  }
}
