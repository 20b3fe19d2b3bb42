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
    return syntheticInputs(model, shapes, null, notes);
  }

  /**
   * As {@link #syntheticInputs(String, Map, Consumer)}, with dim 0 of every input whose dim 0 is
   * not fixed at {@code batch} (when not null).
   */
  public static List<Tensor> syntheticInputs(
      String model, Map<String, long[]> shapes, Integer batch, Consumer<String> notes)
      throws InfercostException {
    OnnxModel m = Models.loadOnnxGraph(Models.resolve(model, ModelFormat.ONNX));
    var specs = m.info(Map.of()).inputs();
    return Inputs.synthesize(
        specs, Inputs.resolveShapes(model, specs, shapes, batch, notes), Inputs.idLimits(m));
  }

  /**
   * One model's latency.
   *
   * @param stats the summary
   * @param samplesMs every sample in milliseconds, in run order
   * @param roundMediansMs the median (for {@link #measurePaired}: the mean) of each round's
   *     samples, in round order: round {@code i} of every model ran back to back, so the ratio of
   *     two models' figures in one round is paired (the machine's speed then is common to both)
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
      openWarm(models, inputs, options, runners);
      List<List<Double>> samples = lists(models.size());
      List<List<Double>> roundMedians = lists(models.size());
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
      return results(samples, roundMedians);
    } finally {
      closeAll(runners);
    }
  }

  /**
   * A candidate ({@code models[0]}) and a baseline ({@code models[1]}) timed in {@code rounds} ABBA
   * rounds of single inferences (candidate, baseline, baseline, candidate), each round followed by
   * one inference of every further model in {@code models}: the two runs of each side straddle the
   * same moment, so a machine whose speed drifts during the round (other load, frequency) affects
   * both sides alike, to first order. Each result's {@code roundMediansMs} holds the mean of its
   * runs in each round; their ratio per round is the paired ratio.
   */
  public static List<Result> measurePaired(
      List<String> models,
      List<List<Tensor>> inputs,
      ProfileOptions options,
      int rounds,
      Consumer<String> progress)
      throws InfercostException {
    if (models.size() < 2) {
      throw new IllegalArgumentException("a candidate and a baseline are needed");
    }
    List<ModelRunner> runners = new ArrayList<>();
    try {
      openWarm(models, inputs, options, runners);
      List<List<Double>> samples = lists(models.size());
      List<List<Double>> roundMeans = lists(models.size());
      boolean cpu = onCallingThread(options);
      // One round: candidate, baseline, baseline, candidate, then each further model once.
      int[] slots = new int[2 + models.size()];
      slots[1] = 1;
      slots[2] = 1;
      for (int k = 2; k < models.size(); k++) {
        slots[2 + k] = k;
      }
      double[] sum = new double[models.size()];
      for (int round = 0; round < rounds; round++) {
        if (round % 10 == 0) {
          progress.accept("measuring paired, round " + (round + 1) + " of " + rounds);
        }
        java.util.Arrays.fill(sum, 0);
        for (int k : slots) {
          long c0 = cpu ? THREADS.getCurrentThreadCpuTime() : 0;
          long t0 = System.nanoTime();
          runners.get(k).run();
          long t1 = System.nanoTime();
          long c1 = cpu ? THREADS.getCurrentThreadCpuTime() : 0;
          samples.get(k).add((t1 - t0) / 1e6);
          sum[k] += (cpu ? c1 - c0 : t1 - t0) / 1e6;
        }
        for (int k = 0; k < models.size(); k++) {
          roundMeans.get(k).add(sum[k] / (k < 2 ? 2 : 1));
        }
      }
      return results(samples, roundMeans);
    } finally {
      closeAll(runners);
    }
  }

  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  /**
   * Whether {@link #measurePaired} pairs CPU time of the calling thread rather than wall time: with
   * one intra-op thread ONNX Runtime computes on the caller's thread, so its CPU time is the work
   * of the inference without the time the thread waited for a core — on a machine shared with other
   * load that wait is most of the noise, and it is not a property of the model.
   */
  public static boolean onCallingThread(ProfileOptions options) {
    return options.threads() == 1
        && options.engine() == Engine.ORT
        && !options.cuda()
        && THREADS.isCurrentThreadCpuTimeSupported()
        && THREADS.isThreadCpuTimeEnabled();
  }

  /** Opens a runner per model, binds its inputs and warms it up, adding each to {@code into}. */
  private static void openWarm(
      List<String> models,
      List<List<Tensor>> inputs,
      ProfileOptions options,
      List<ModelRunner> into)
      throws InfercostException {
    for (int k = 0; k < models.size(); k++) {
      ModelRunner r = Profiler.open(models.get(k), options);
      into.add(r);
      r.bind(inputs.get(k));
      for (int i = 0; i < Math.max(1, options.warmupRuns()); i++) {
        r.run();
      }
    }
  }

  private static List<List<Double>> lists(int n) {
    List<List<Double>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new ArrayList<>());
    }
    return out;
  }

  private static List<Result> results(List<List<Double>> samples, List<List<Double>> perRound) {
    List<Result> out = new ArrayList<>();
    for (int k = 0; k < samples.size(); k++) {
      List<Double> s = samples.get(k);
      out.add(
          new Result(
              LatencyStats.of(s.stream().mapToDouble(Double::doubleValue).toArray()),
              s,
              perRound.get(k)));
    }
    return out;
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
