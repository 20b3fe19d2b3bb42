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
 * tighter than that measures the model, not a compression.
 *
 * @param original the data as given
 * @param moved the same batches with the float inputs moved
 * @param amplitudes per input moved, by name, the largest move of one element
 */
public record InputNoise(EvalData original, EvalData moved, Map<String, Float> amplitudes) {
  private static final long SEED = 0x1eca1f00dL;

  public InputNoise {
    amplitudes = Map.copyOf(amplitudes);
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
    List<List<Tensor>> moved = new ArrayList<>();
    for (List<Tensor> b : batches) {
      moved.add(new ArrayList<>(b));
    }
    Map<String, Float> amplitudes = new LinkedHashMap<>();
    for (int i = 0; i < batches.get(0).size(); i++) {
      Optional<Spread> s = Spread.of(batches, i);
      if (s.isEmpty()) {
        continue;
      }
      float amplitude = s.get().step() / 2;
      SplittableRandom rng = new SplittableRandom(SEED + i);
      for (List<Tensor> b : moved) {
        b.set(i, s.get().move(b.get(i), amplitude, rng));
      }
      amplitudes.put(batches.get(0).get(i).name(), amplitude);
    }
    if (amplitudes.isEmpty()) {
      return Optional.empty();
    }
    EvalData m =
        new EvalData(
            data.source() + " with its float inputs moved by up to half an 8-bit step",
            moved,
            data.labels(),
            data.maskInput(),
            data.idsInput());
    return Optional.of(new InputNoise(data, m, amplitudes));
  }

  /** The moves in words: {@code up to ±0.5 on 'image'}, inputs in model order. */
  public String describe() {
    return original.batches().get(0).stream()
        .map(Tensor::name)
        .filter(amplitudes::containsKey)
        .map(n -> "±" + Fmt.sig(amplitudes.get(n)) + " on '" + n + "'")
        .collect(Collectors.joining(", ", "up to ", ""));
  }

  /**
   * One float input's range over every sample, and which of a sample's elements differ between
   * samples.
   */
  private record Spread(float step, boolean[] varies) {
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
        float[] v = t.toFloats();
        int rows = (int) s[0];
        int per = rows == 0 ? 0 : v.length / rows;
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
      float step = (hi - lo) / 255;
      boolean any = false;
      for (boolean b : varies == null ? new boolean[0] : varies) {
        any |= b;
      }
      return any && step > 0 && Float.isFinite(step)
          ? Optional.of(new Spread(step, varies))
          : Optional.empty();
    }

    /** {@code t} with every varying element moved by a uniform draw in ±{@code amplitude}. */
    Tensor move(Tensor t, float amplitude, SplittableRandom rng) {
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
