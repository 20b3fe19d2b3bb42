package dev.infercost.profile;

import dev.infercost.base.Fmt;
import dev.infercost.models.DType;
import dev.infercost.models.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Evaluation data with its float inputs moved a little, as the same photo re-encoded or resized by
 * another library moves them: each element by a uniform draw of up to half an 8-bit step of its
 * feature's range over the data, kept inside that range, from a fixed seed (the same moves on every
 * run). A feature is an index of the input's last axis (a column of a table, a channel of an NHWC
 * image, a column of an NCHW one), and its range spans only the elements that vary between samples,
 * so one wide column does not set the step of the others. Elements that hold the same value in
 * every sample (an alpha channel, a constant flag) keep it, and so do integer inputs (token ids,
 * masks). The input model run on the moved data and compared with itself ({@link
 * Evaluator#stability}) says how far its own outputs move under noise nobody would see: a bound
 * tighter than that measures the model, not a compression. A moved batch is made when it is run, so
 * the data is not held twice.
 */
public final class InputNoise {
  private static final long SEED = 0x1eca1f00dL;

  private final EvalData original;
  private final Map<Integer, Spread> spreads;

  private InputNoise(EvalData original, Map<Integer, Spread> spreads) {
    this.original = original;
    this.spreads = spreads;
  }

  /**
   * {@code data} with its float inputs moved; empty when none can be (no float input, one sample,
   * or no element that differs between samples).
   */
  public static Optional<InputNoise> of(EvalData data) {
    List<List<Tensor>> batches = data.batches();
    if (data.samples() < 2 || batches.isEmpty()) {
      return Optional.empty();
    }
    Map<Integer, Spread> spreads = new LinkedHashMap<>();
    for (int i = 0; i < batches.get(0).size(); i++) {
      int input = i;
      Spread.of(batches, i).ifPresent(s -> spreads.put(input, s));
    }
    return spreads.isEmpty() ? Optional.empty() : Optional.of(new InputNoise(data, spreads));
  }

  /**
   * The moves in words: {@code up to ±0.5 on 'image'} (the largest move per input, model order).
   */
  public String describe() {
    List<String> parts = new ArrayList<>();
    spreads.forEach(
        (i, s) ->
            parts.add(
                "±"
                    + Fmt.sig(s.largest())
                    + " on '"
                    + original.batches().get(0).get(i).name()
                    + "'"));
    return "up to " + String.join(", ", parts);
  }

  EvalData original() {
    return original;
  }

  /** Batch {@code b} of the data with its float inputs moved (the same moves on every call). */
  List<Tensor> moved(int b) {
    List<Tensor> batch = new ArrayList<>(original.batches().get(b));
    spreads.forEach(
        (i, s) ->
            batch.set(i, s.move(batch.get(i), new SplittableRandom(SEED + 1_000_003L * i + b))));
    return batch;
  }

  /** Per input moved, by name in model order, the largest move of one element. */
  Map<String, Float> amplitudes() {
    Map<String, Float> a = new LinkedHashMap<>();
    spreads.forEach((i, s) -> a.put(original.batches().get(0).get(i).name(), s.largest()));
    return a;
  }

  /**
   * One float input's elements that vary between samples, and each feature's range over them.
   *
   * @param varies per element of a sample, whether it differs between samples
   * @param lo per feature (last-axis index), the smallest value of its varying elements
   * @param hi per feature, the largest
   */
  private record Spread(boolean[] varies, float[] lo, float[] hi) {
    /**
     * Input {@code i} of every batch; empty when it is not a float32/float16 tensor with one row
     * per sample and the same sample shape in every batch, or when nothing in it varies.
     */
    static Optional<Spread> of(List<List<Tensor>> batches, int i) {
      long[] sample = null;
      float[] min = null;
      float[] max = null;
      for (List<Tensor> b : batches) {
        Tensor t = b.get(i);
        long[] s = t.shape();
        if ((t.dtype() != DType.FLOAT32 && t.dtype() != DType.FLOAT16)
            || s.length == 0
            || s[0] != EvalData.samplesIn(b)
            || (sample != null && !Arrays.equals(sample, Arrays.copyOfRange(s, 1, s.length)))) {
          return Optional.empty();
        }
        if (s[0] == 0) {
          continue;
        }
        float[] v = t.toFloats();
        int per = (int) (v.length / s[0]);
        if (sample == null) {
          sample = Arrays.copyOfRange(s, 1, s.length);
          min = new float[per];
          max = new float[per];
          Arrays.fill(min, Float.POSITIVE_INFINITY);
          Arrays.fill(max, Float.NEGATIVE_INFINITY);
        }
        for (int k = 0; k < v.length; k++) {
          if (Float.isFinite(v[k])) {
            min[k % per] = Math.min(min[k % per], v[k]);
            max[k % per] = Math.max(max[k % per], v[k]);
          }
        }
      }
      if (sample == null) {
        return Optional.empty();
      }
      int features = sample.length == 0 ? 1 : (int) sample[sample.length - 1];
      boolean[] varies = new boolean[min.length];
      float[] lo = new float[features];
      float[] hi = new float[features];
      Arrays.fill(lo, Float.POSITIVE_INFINITY);
      Arrays.fill(hi, Float.NEGATIVE_INFINITY);
      boolean any = false;
      for (int k = 0; k < min.length; k++) {
        varies[k] = min[k] < max[k];
        if (varies[k]) {
          int f = features == 0 ? 0 : k % features;
          lo[f] = Math.min(lo[f], min[k]);
          hi[f] = Math.max(hi[f], max[k]);
          any = true;
        }
      }
      return any ? Optional.of(new Spread(varies, lo, hi)) : Optional.empty();
    }

    /** The largest move of one element: half an 8-bit step of the widest feature's range. */
    float largest() {
      float a = 0;
      for (int f = 0; f < lo.length; f++) {
        a = Math.max(a, amplitude(f));
      }
      return a;
    }

    private float amplitude(int f) {
      return hi[f] > lo[f] ? (hi[f] - lo[f]) / 255 / 2 : 0;
    }

    /**
     * {@code t} with every varying element moved by a uniform draw within half an 8-bit step of its
     * feature's range, kept inside that range.
     */
    Tensor move(Tensor t, SplittableRandom rng) {
      float[] v = t.toFloats();
      for (int k = 0; k < v.length; k++) {
        int e = k % varies.length;
        if (varies[e]) {
          int f = e % lo.length;
          float moved = (float) (v[k] + (rng.nextDouble() * 2 - 1) * amplitude(f));
          v[k] = Math.max(lo[f], Math.min(hi[f], moved));
        }
      }
      return Tensor.ofFloats(t.name(), t.dtype(), t.shape(), v);
    }
  }
}
