package dev.infercost.profile;

import dev.infercost.base.Hashes;
import dev.infercost.base.InfercostException;
import dev.infercost.base.Parameter;
import dev.infercost.models.BuiltinModel;
import dev.infercost.models.DType;
import dev.infercost.models.Dim;
import dev.infercost.models.ModelException;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.Models;
import dev.infercost.models.OnnxModel;
import dev.infercost.models.Tensor;
import dev.infercost.models.TensorSpec;
import dev.infercost.profile.internal.DjlRunner;
import dev.infercost.profile.internal.Inputs;
import dev.infercost.profile.internal.OrtRunner;
import dev.infercost.profile.internal.ProcMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Measures a model's latency, throughput and memory on ONNX Runtime or DJL, on CPU or CUDA.
 *
 * <pre>{@code
 * ProfileReport r = Profiler.profile("minilm-l6",
 *     ProfileOptions.builder().optThreads(1).optShape("input_ids", new long[] {1, 128}).build(),
 *     System.err::println);
 * }</pre>
 */
public final class Profiler {
  /** Raw samples kept in a report: enough for rank tests, small enough for JSON. */
  static final int MAX_KEPT_SAMPLES = 2000;

  private Profiler() {}

  /** At most {@code max} samples, evenly spaced in run order. */
  static List<Double> thin(double[] samples, int max) {
    int step = (samples.length + max - 1) / max;
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < samples.length; i += Math.max(1, step)) {
      out.add(samples[i]);
    }
    return out;
  }

  /** Whether {@code --device cuda} can work in this build on this machine (ONNX Runtime). */
  public static boolean cudaAvailable() {
    return OrtRunner.cudaAvailable();
  }

  /**
   * Profiles {@code model} (a path or a built-in name). {@code progress} receives one line per
   * stage.
   */
  public static ProfileReport profile(
      String model, ProfileOptions options, Consumer<String> progress) throws InfercostException {
    boolean djl = options.engine() == Engine.DJL;
    Path file = Models.resolve(model, djl ? ModelFormat.TORCHSCRIPT : ModelFormat.ONNX);
    List<String> notes = new ArrayList<>();
    List<TensorSpec> specs;
    Map<String, Long> idLimits = Map.of();
    long modelBytes;
    if (djl) {
      specs = torchScriptSpecs(model, file, options);
      modelBytes = sizeOf(file);
    } else {
      // Inputs, id limits and size need the graph, not the weights: ONNX Runtime holds those.
      OnnxModel onnx = Models.loadOnnxGraph(file);
      specs = onnx.info(Map.of()).inputs();
      idLimits = Inputs.idLimits(onnx);
      modelBytes = onnx.fileBytes();
    }
    Map<String, Tensor> data =
        options.inputs().isPresent() ? TensorFiles.read(options.inputs().get()) : null;

    // Every input is built (and every shape checked) before the model is opened, so bad shapes
    // and data fail fast with one line.
    List<Integer> batches =
        options.batches().isEmpty() ? Arrays.asList((Integer) null) : options.batches();
    Consumer<String> note =
        n -> {
          if (!notes.contains(n)) {
            notes.add(n);
          }
        };
    List<List<Tensor>> inputsPerBatch = new ArrayList<>();
    for (Integer batch : batches) {
      if (batch != null) {
        Inputs.checkBatch(file.toString(), specs, batch, note);
      }
      if (data != null) {
        inputsPerBatch.add(
            Inputs.fromDataForRun(options.inputs().get().toString(), specs, data, batch));
      } else {
        Map<String, long[]> shapes =
            Inputs.resolveShapes(file.toString(), specs, options.shapes(), batch, note);
        inputsPerBatch.add(Inputs.synthesize(specs, shapes, idLimits));
      }
    }
    notes.forEach(n -> progress.accept("note: " + n));
    HostInfo host = HostInfo.current();
    List<BatchResult> results = new ArrayList<>();
    try (ModelRunner runner = open(file, options)) {
      Long rssAfterLoad = ProcMemory.rss();
      progress.accept("loaded " + file.getFileName() + " on " + (djl ? "djl" : "ort"));
      for (int k = 0; k < inputsPerBatch.size(); k++) {
        List<Tensor> inputs = inputsPerBatch.get(k);
        int effectiveBatch = effectiveBatch(batches.get(k), inputs);
        progress.accept("warming up (batch " + effectiveBatch + ")");
        try {
          runner.bind(inputs);
          warmUp(runner, options);
        } catch (ModelException e) {
          // A run that fails on the user's own inputs points at them, not at --shape.
          throw data == null || e.hint().orElse(null) != Parameter.SHAPES
              ? e
              : new ModelException(e.getMessage(), Parameter.INPUTS, e.getCause());
        }
        boolean peakReset = ProcMemory.resetPeak();
        progress.accept("measuring (batch " + effectiveBatch + ")");
        double[] samples = measure(runner, options);
        Long peak = ProcMemory.peak();
        LatencyStats stats = LatencyStats.of(samples);
        Map<String, List<Long>> shapes = new LinkedHashMap<>();
        inputs.forEach(t -> shapes.put(t.name(), Arrays.stream(t.shape()).boxed().toList()));
        String source =
            rssAfterLoad == null
                ? "unavailable (no /proc/self/status)"
                : peakReset
                    ? "/proc/self/status; peak reset before the run"
                    : "/proc/self/status; peak since process start";
        results.add(
            new BatchResult(
                effectiveBatch,
                shapes,
                stats,
                effectiveBatch * 1000.0 / stats.p50(),
                new MemoryReport(modelBytes, rssAfterLoad, peak, source),
                thin(samples, MAX_KEPT_SAMPLES)));
      }
    }
    return new ProfileReport(
        ProfileReport.SCHEMA,
        ProfileReport.KIND,
        file.toString(),
        Hashes.sha256(file),
        djl ? "djl" : "ort",
        options.cuda() ? "cuda" : "cpu",
        options.threads(),
        options.inputs().map(Path::toString).orElse("synthetic"),
        host,
        host.fingerprint(options.threads()),
        results,
        notes);
  }

  /**
   * The batch a run measured: the {@code --batch} it was asked for (which {@link Inputs#checkBatch}
   * has checked applies), else dim 0 of the first input that has one, else 1.
   */
  private static int effectiveBatch(Integer batch, List<Tensor> inputs) {
    if (batch != null) {
      return batch;
    }
    return inputs.stream()
        .filter(t -> t.shape().length > 0)
        .mapToInt(t -> Math.toIntExact(t.shape()[0]))
        .findFirst()
        .orElse(1);
  }

  /**
   * Opens {@code model} (a path or built-in name) on the engine, device and threads of {@code
   * options}, for callers that run it themselves (evaluation, benchmarks).
   */
  public static ModelRunner open(String model, ProfileOptions options) throws InfercostException {
    boolean djl = options.engine() == Engine.DJL;
    return open(Models.resolve(model, djl ? ModelFormat.TORCHSCRIPT : ModelFormat.ONNX), options);
  }

  private static ModelRunner open(Path file, ProfileOptions o) throws InfercostException {
    return o.engine() == Engine.DJL
        ? DjlRunner.open(file, o.threads(), o.cuda())
        : OrtRunner.open(file, o.threads(), o.cuda());
  }

  static void warmUp(ModelRunner runner, ProfileOptions o) throws InfercostException {
    long start = System.nanoTime();
    long deadline = start + o.maxMillis() * 1_000_000L / 4;
    int runs = 0;
    while (runs < o.warmupRuns() || System.nanoTime() - start < o.warmupMillis() * 1_000_000L) {
      runner.run();
      runs++;
      if (System.nanoTime() > deadline) {
        break;
      }
    }
  }

  /**
   * The measuring loop of {@link #profile}: times {@code runner.run()} on its bound inputs until
   * both {@code minSamples} and {@code minMillis} of {@code o} are met, or {@code maxMillis} has
   * passed. No warm-up. Returns the per-run samples in milliseconds.
   */
  public static double[] measure(ModelRunner runner, ProfileOptions o) throws InfercostException {
    double[] samples = new double[Math.max(16, o.minSamples())];
    int n = 0;
    long start = System.nanoTime();
    long minNanos = o.minMillis() * 1_000_000L;
    long maxNanos = o.maxMillis() * 1_000_000L;
    while (true) {
      long t0 = System.nanoTime();
      runner.run();
      long t1 = System.nanoTime();
      if (n == samples.length) {
        samples = Arrays.copyOf(samples, n * 2);
      }
      samples[n++] = (t1 - t0) / 1e6;
      long elapsed = t1 - start;
      if ((n >= o.minSamples() && elapsed >= minNanos) || elapsed >= maxNanos) {
        break;
      }
    }
    return Arrays.copyOf(samples, n);
  }

  /**
   * TorchScript declares no input specs: take them from a built-in model's ONNX twin, else from
   * {@code --shape} (float32) or the data file.
   */
  private static List<TensorSpec> torchScriptSpecs(String model, Path file, ProfileOptions o)
      throws InfercostException {
    Optional<BuiltinModel> b = Models.builtin(model);
    if (b.isPresent()) {
      return Models.loadOnnxGraph(Models.resolve(model, ModelFormat.ONNX)).info(Map.of()).inputs();
    }
    if (!o.shapes().isEmpty()) {
      // Dim 0 stays open, so --batch applies to it as it does to an ONNX model's batch dim.
      List<TensorSpec> specs = new ArrayList<>();
      o.shapes()
          .forEach(
              (name, dims) -> {
                List<Dim> d = new ArrayList<>();
                for (int i = 0; i < dims.length; i++) {
                  d.add(i == 0 ? Dim.symbolic("batch") : Dim.fixed(dims[i]));
                }
                specs.add(new TensorSpec(name, DType.FLOAT32, d, true));
              });
      return specs;
    }
    if (o.inputs().isPresent()) {
      Path inputs = o.inputs().get();
      List<TensorSpec> specs =
          TensorFiles.read(inputs).values().stream()
              .filter(t -> !t.name().equals("label"))
              .map(t -> new TensorSpec(t.name(), t.dtype(), List.of(), false))
              .toList();
      if (specs.isEmpty()) {
        throw DataException.of(
            inputs,
            "holds only 'label', no arrays to feed "
                + file.getFileName()
                + "; add one array per forward() input, named after it, or give the input"
                + " shapes",
            Parameter.SHAPES);
      }
      return specs;
    }
    throw new ProfileException(
        file
            + ": TorchScript models declare no input shapes; give a shape for each input (in"
            + " forward() order) or inputs from a .npz file",
        Parameter.SHAPES);
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (java.io.IOException e) {
      return 0;
    }
  }
}
