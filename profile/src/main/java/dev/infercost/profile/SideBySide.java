package dev.infercost.profile;

import dev.infercost.base.InfercostException;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.Models;
import dev.infercost.models.OnnxModel;
import dev.infercost.models.Tensor;
import dev.infercost.profile.internal.Inputs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Latency of several models measured interleaved in one process: same inputs, same threads, and
 * round after round in rotating order, so drifts of a shared machine (other load, frequency, heat)
 * hit every model alike and their ratio stays meaningful.
 */
public final class SideBySide {
  private SideBySide() {}

  /**
   * Deterministic synthetic inputs for an ONNX model (path or built-in name) at {@code shapes};
   * symbolic dims not given default as in {@link Profiler#profile}, each reported to {@code notes}.
   */
  public static List<Tensor> syntheticInputs(
      String model, Map<String, long[]> shapes, Consumer<String> notes) throws InfercostException {
    OnnxModel m = Models.loadOnnx(Models.resolve(model, ModelFormat.ONNX));
    var specs = m.info(Map.of()).inputs();
    return Inputs.synthesize(
        specs, Inputs.resolveShapes(model, specs, shapes, null, notes), Inputs.idLimits(m));
  }

  /**
   * One model's latency.
   *
   * @param stats the summary
   * @param samplesMs every sample in milliseconds, in run order
   * @param roundMediansMs the median of each round's samples, in round order: round {@code i} of
   *     every model ran back to back, so the ratio of two models' medians in one round is paired
   *     (the machine's speed then is common to both)
   */
  public record Result(LatencyStats stats, List<Double> samplesMs, List<Double> roundMediansMs) {
    public Result {
      samplesMs = List.copyOf(samplesMs);
      roundMediansMs = List.copyOf(roundMediansMs);
    }
  }

  /**
   * Measures each model on {@code inputs} ({@code rounds} rounds, each taking {@code options}'
   * {@code minSamples} per model; at least {@code warmupRuns} warm-up runs each first) and returns
   * one {@link Result} per model, in order.
   */
  public static List<Result> measure(
      List<String> models,
      List<Tensor> inputs,
      ProfileOptions options,
      int rounds,
      Consumer<String> progress)
      throws InfercostException {
    return measureEach(
        models, models.stream().map(m -> inputs).toList(), options, rounds, progress);
  }

  /** As {@link #measure}, with each model's own inputs. */
  public static List<Result> measureEach(
      List<String> models,
      List<List<Tensor>> inputs,
      ProfileOptions options,
      int rounds,
      Consumer<String> progress)
      throws InfercostException {
    List<ModelRunner> runners = new ArrayList<>();
    try {
      for (int k = 0; k < models.size(); k++) {
        ModelRunner r = Profiler.open(models.get(k), options);
        runners.add(r);
        r.bind(inputs.get(k));
        for (int i = 0; i < Math.max(1, options.warmupRuns()); i++) {
          r.run();
        }
      }
      List<List<Double>> samples = new ArrayList<>();
      List<List<Double>> roundMedians = new ArrayList<>();
      models.forEach(
          m -> {
            samples.add(new ArrayList<>());
            roundMedians.add(new ArrayList<>());
          });
      ProfileOptions perRound =
          ProfileOptions.builder()
              .optThreads(options.threads())
              .optSampling(options.minSamples(), options.minMillis() / rounds, options.maxMillis())
              .build();
      for (int round = 0; round < rounds; round++) {
        progress.accept("measuring side by side, round " + (round + 1) + " of " + rounds);
        for (int k = 0; k < runners.size(); k++) {
          int i = (k + round) % runners.size();
          double[] taken = Profiler.measure(runners.get(i), perRound);
          for (double s : taken) {
            samples.get(i).add(s);
          }
          roundMedians.get(i).add(LatencyStats.of(taken).p50());
        }
      }
      List<Result> out = new ArrayList<>();
      for (int k = 0; k < samples.size(); k++) {
        List<Double> s = samples.get(k);
        out.add(
            new Result(
                LatencyStats.of(s.stream().mapToDouble(Double::doubleValue).toArray()),
                s,
                roundMedians.get(k)));
      }
      return out;
    } finally {
      closeAll(runners);
    }
  }

  /** Closes every runner, the first failure thrown with the others suppressed. */
  static void closeAll(List<ModelRunner> runners) {
    RuntimeException first = null;
    for (ModelRunner r : runners) {
      try {
        r.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
