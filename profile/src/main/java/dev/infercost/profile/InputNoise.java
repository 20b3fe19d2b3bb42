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
import java.util.stream.Collectors;

/**
 * Evaluation data with its float inputs moved a little, as the same photo re-encoded or resized by
 * another library moves them: each element by up to half an 8-bit step of its input's range over
 * the data, uniformly, from a fixed seed (the same moves on every run). Elements that hold the same
 * value in every sample (an alpha channel, a constant flag) keep it, and so do integer inputs
 * (token ids, masks). The input model run on the moved data and compared with itself ({@link
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

  /** The data as given. */
  public EvalData original() {
    return original;
  }

  /** Batch {@code b} of the data with its float inputs moved (the same moves on every call). */
  public List<Tensor> moved(int b) {
    List<Tensor> batch = new ArrayList<>(original.batches().get(b));
    spreads.forEach(
        (i, s) ->
            batch.set(i, s.move(batch.get(i), new SplittableRandom(SEED + 1_000_003L * i + b))));
    return batch;
  }

  /** Per input moved, by name in model order, the largest move of one element. */
  public Map<String, Float> amplitudes() {
    Map<String, Float> a = new LinkedHashMap<>();
    spreads.forEach((i, s) -> a.put(original.batches().get(0).get(i).name(), s.amplitude()));
    return a;
  }

  /** The moves in words: {@code up to ±0.5 on 'image'}, inputs in model order. */
  public String describe() {
    return amplitudes().entrySet().stream()
        .map(e -> "±" + Fmt.sig(e.getValue()) + " on '" + e.getKey() + "'")
        .collect(Collectors.joining(", ", "up to ", ""));
  }

  /**
   * One float input's range over every sample, and which of a sample's elements differ between
   * samples.
   */
  private record Spread(float amplitude, boolean[] varies) {
    /**
     * Input {@code i} of every batch; empty when it is not a float32/float16 tensor with one row
     * per sample and the same sample shape in every batch, or when nothing in it varies.
     */
    static Optional<Spread> of(List<List<Tensor>> batches, int i) {
      long[] sample = null;
      float[] first = null;
      boolean[] varies = null;
      float lo = Float.POSITIVE_INFINITY;
      float hi = Float.NEGATIVE_INFINITY;
      for (List<Tensor> b : batches) {
        Tensor t = b.get(i);
        long[] s = t.shape();
        if ((t.dtype() != DType.FLOAT32 && t.dtype() != DType.FLOAT16)
            || s.length == 0
            || s[0] != EvalData.samplesIn(b)
            || (sample != null && !Arrays.equals(sample, Arrays.copyOfRange(s, 1, s.length)))) {
          return Optional.empty();
        }
        int rows = (int) s[0];
        if (rows == 0) {
          continue;
        }
        float[] v = t.toFloats();
        int per = v.length / rows;
        if (sample == null) {
          sample = Arrays.copyOfRange(s, 1, s.length);
          first = Arrays.copyOf(v, per);
          varies = new boolean[per];
        }
        for (int k = 0; k < v.length; k++) {
          float x = v[k];
          if (Float.isFinite(x)) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
          }
          if (x != first[k % per]) {
            varies[k % per] = true;
          }
        }
      }
      float amplitude = (hi - lo) / 255 / 2;
      boolean any = false;
      for (boolean b : varies == null ? new boolean[0] : varies) {
        any |= b;
      }
      return any && amplitude > 0 && Float.isFinite(amplitude)
          ? Optional.of(new Spread(amplitude, varies))
          : Optional.empty();
    }

    /** {@code t} with every varying element moved by a uniform draw in ±{@link #amplitude}. */
    Tensor move(Tensor t, SplittableRandom rng) {
      float[] v = t.toFloats();
      for (int k = 0; k < v.length; k++) {
        if (varies[k % varies.length]) {
          v[k] += (float) ((rng.nextDouble() * 2 - 1) * amplitude);
        }
      }
      return Tensor.ofFloats(t.name(), t.dtype(), t.shape(), v);
    }
  }
}
