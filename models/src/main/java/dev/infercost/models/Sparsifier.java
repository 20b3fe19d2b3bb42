package dev.infercost.models;

import dev.infercost.models.SparsityOptions.Importance;
import dev.infercost.models.SparsityOptions.Pattern;
import dev.infercost.models.SparsityOptions.Scope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;

/**
 * The sparsification math both formats share: which weights to zero, by {@link SparsityOptions}.
 * Plain Java over float arrays, deterministic (ties go to the lower index), so ONNX initializers
 * and TorchScript parameters laid out the same way get the same zeros.
 *
 * <p>A weight is seen as {@code outer × reduction × inner} in row-major order, {@code reduction}
 * being the input (reduction) dimension of the product it feeds: ONNX MatMul / Gemm B {@code [K,
 * N]} is 1 × K × N, Gemm with {@code transB} and PyTorch Linear {@code [N, K]} are N × K × 1, a
 * Conv kernel {@code [M, C/g, kH, kW]} (both formats) is M × C/g × kH·kW. 2:4 groups run along
 * {@code reduction}: a sparse tensor core multiplies a 2:4 matrix compressed along K (cuSPARSELt,
 * TensorRT), so each output's dot product over K keeps 2 of every 4 consecutive inputs; for Conv
 * the groups run along the input channels at each kernel position, as NVIDIA's ASP tool lays them.
 */
public final class Sparsifier {
  private Sparsifier() {}

  /**
   * One weight tensor.
   *
   * @param name the layer's name for reports
   * @param values its values, row-major (never modified)
   * @param outer product of the dimensions before the reduction one
   * @param reduction the input (reduction) dimension
   * @param inner product of the dimensions after it
   * @param groups Conv groups (1 otherwise): outputs {@code [g·outer/groups, (g+1)·outer/groups)}
   *     read input features {@code [g·reduction, (g+1)·reduction)}
   * @param inputNorms L2 norm of each input feature over the calibration data ({@code groups ×
   *     reduction} values), or {@code null} by magnitude
   */
  public record Weight(
      String name,
      float[] values,
      int outer,
      int reduction,
      int inner,
      int groups,
      float[] inputNorms) {
    public Weight {
      if ((long) outer * reduction * inner != values.length || groups < 1 || outer % groups != 0) {
        throw new IllegalArgumentException(
            name
                + ": "
                + values.length
                + " values do not fill "
                + outer
                + "×"
                + reduction
                + "×"
                + inner
                + " in "
                + groups
                + " groups");
      }
      if (inputNorms != null && inputNorms.length != groups * reduction) {
        throw new IllegalArgumentException(
            name + ": " + inputNorms.length + " input norms for " + groups * reduction + " inputs");
      }
    }
  }

  /**
   * The sparsified weights.
   *
   * @param values per weight, in order: the new values (the same array when it was skipped)
   * @param layers per sparsified weight, what it reached
   * @param skipped weights left dense, with the reason
   */
  public record Outcome(
      List<float[]> values, List<SparsityReport.Layer> layers, List<String> skipped) {
    public Outcome {
      values = List.copyOf(values);
      layers = List.copyOf(layers);
      skipped = List.copyOf(skipped);
    }
  }

  /** Zeroes weights of {@code weights} as {@code o} says; the inputs are not modified. */
  public static Outcome sparsify(List<Weight> weights, SparsityOptions o) {
    List<float[]> out = new ArrayList<>();
    List<SparsityReport.Layer> layers = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    List<Weight> chosen = new ArrayList<>();
    for (Weight w : weights) {
      if (o.importance() == Importance.ACTIVATION && w.inputNorms() == null) {
        throw new IllegalArgumentException(w.name() + ": activation-aware without input norms");
      }
      if (o.pattern() == Pattern.TWO_FOUR && w.reduction() % 4 != 0) {
        skipped.add(w.name() + ": input dimension " + w.reduction() + " is not a multiple of 4");
      } else {
        chosen.add(w);
      }
    }
    boolean[][] zero = new boolean[chosen.size()][];
    if (o.pattern() == Pattern.TWO_FOUR) {
      for (int i = 0; i < chosen.size(); i++) {
        zero[i] = twoFour(chosen.get(i), scores(chosen.get(i), o.importance()));
      }
    } else if (o.scope() == Scope.LAYER) {
      for (int i = 0; i < chosen.size(); i++) {
        float[] s = scores(chosen.get(i), o.importance());
        zero[i] = smallest(s, Math.round(o.sparsity() * s.length));
      }
    } else {
      int total = chosen.stream().mapToInt(w -> w.values().length).sum();
      float[] all = new float[total];
      int at = 0;
      for (Weight w : chosen) {
        float[] s = scores(w, o.importance());
        System.arraycopy(s, 0, all, at, s.length);
        at += s.length;
      }
      boolean[] z = smallest(all, Math.round(o.sparsity() * total));
      at = 0;
      for (int i = 0; i < chosen.size(); i++) {
        zero[i] = Arrays.copyOfRange(z, at, at + chosen.get(i).values().length);
        at += zero[i].length;
      }
    }
    int next = 0;
    for (Weight w : weights) {
      if (next < chosen.size() && chosen.get(next) == w) {
        boolean[] z = zero[next++];
        float[] v = w.values().clone();
        long before = 0;
        long after = 0;
        for (int k = 0; k < v.length; k++) {
          before += v[k] == 0 ? 1 : 0;
          if (z[k]) {
            v[k] = 0f; // +0.0 even for a negative weight: the bytes deflate alike
          }
          after += v[k] == 0 ? 1 : 0;
        }
        out.add(v);
        layers.add(new SparsityReport.Layer(w.name(), v.length, before, after, o.sparsity()));
      } else {
        out.add(w.values());
      }
    }
    return new Outcome(out, layers, skipped);
  }

  /** |w|, or |w| × the norm of its input feature. */
  private static float[] scores(Weight w, Importance importance) {
    float[] s = new float[w.values().length];
    int perGroup = w.outer() / w.groups();
    for (int o = 0; o < w.outer(); o++) {
      int g = o / perGroup;
      for (int c = 0; c < w.reduction(); c++) {
        float scale =
            importance == Importance.ACTIVATION ? w.inputNorms()[g * w.reduction() + c] : 1;
        int base = (o * w.reduction() + c) * w.inner();
        for (int j = 0; j < w.inner(); j++) {
          s[base + j] = Math.abs(w.values()[base + j]) * scale;
        }
      }
    }
    return s;
  }

  /** The {@code k} smallest scores; ties go to the lower index, so the choice is deterministic. */
  private static boolean[] smallest(float[] scores, long k) {
    boolean[] zero = new boolean[scores.length];
    if (k <= 0) {
      return zero;
    }
    float[] sorted = scores.clone();
    Arrays.sort(sorted);
    float t = sorted[(int) k - 1];
    long left = k;
    for (int i = 0; i < scores.length; i++) {
      if (scores[i] < t) {
        zero[i] = true;
        left--;
      }
    }
    for (int i = 0; i < scores.length && left > 0; i++) {
      if (!zero[i] && Float.compare(scores[i], t) == 0) {
        zero[i] = true;
        left--;
      }
    }
    return zero;
  }

  /**
   * In every group of 4 consecutive inputs of each output (and kernel position), the 2 smallest.
   */
  private static boolean[] twoFour(Weight w, float[] s) {
    boolean[] zero = new boolean[s.length];
    int stride = w.inner();
    for (int o = 0; o < w.outer(); o++) {
      for (int c = 0; c < w.reduction(); c += 4) {
        for (int j = 0; j < w.inner(); j++) {
          int base = (o * w.reduction() + c) * stride + j;
          for (int n = 0; n < 2; n++) {
            int min = -1;
            for (int q = 0; q < 4; q++) {
              int i = base + q * stride;
              if (!zero[i] && (min < 0 || s[i] < s[min])) {
                min = i;
              }
            }
            zero[min] = true;
          }
        }
      }
    }
    return zero;
  }

  /**
   * The size of {@code bytes} deflated at the best compression level (what zip or gzip of the file
   * gives, less their headers): where zeroed weights save something on dense storage.
   */
  public static long deflatedSize(byte[] bytes) {
    Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
    try {
      d.setInput(bytes);
      d.finish();
      byte[] buf = new byte[1 << 16];
      long n = 0;
      while (!d.finished()) {
        n += d.deflate(buf);
      }
      return n;
    } finally {
      d.end();
    }
  }
}
