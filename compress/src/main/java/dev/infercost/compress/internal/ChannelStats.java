package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.infercost.compress.CompressException;
import dev.infercost.models.Tensor;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Per-column running sums (axis 1: channels of an NCHW tensor, columns of a 2-D one) of chosen
 * activations over calibration batches: memory is two doubles per column, whatever the number of
 * batches, and each batch's activations are dropped once folded in.
 */
public final class ChannelStats {
  /** Sums of one tensor: per column, the sum and the sum of squares, over {@code count} values. */
  public static final class Sums {
    private final double[] sum;
    private final double[] squares;
    private long count;

    Sums(int columns) {
      sum = new double[columns];
      squares = new double[columns];
    }

    /** Mean of column {@code c}. */
    public double mean(int c) {
      return count == 0 ? 0 : sum[c] / count;
    }

    /** Variance of column {@code c} (population; never negative). */
    public double variance(int c) {
      if (count == 0) {
        return 0;
      }
      double m = sum[c] / count;
      return Math.max(0, squares[c] / count - m * m);
    }

    public int columns() {
      return sum.length;
    }
  }

  private ChannelStats() {}

  /** The sums per tensor, and how many batches the model ran on. */
  public record Observed(Map<String, Sums> sums, int batches) {}

  /** Runs {@code model} over {@code batches} and sums each of {@code tensors} per column. */
  public static Observed observe(
      ModelProto model, Set<String> tensors, Iterable<List<Tensor>> batches)
      throws CompressException {
    Map<String, Sums> out = new LinkedHashMap<>();
    Calibrator.Runs runs =
        Calibrator.run(
            model,
            tensors,
            batches,
            (name, t) -> {
              long[] shape = t.getInfo().getShape();
              int columns = (int) shape[1];
              long inner = 1;
              for (int d = 2; d < shape.length; d++) {
                inner *= shape[d];
              }
              Sums s = out.computeIfAbsent(name, k -> new Sums(columns));
              FloatBuffer b = t.getFloatBuffer();
              int n = b.remaining();
              for (int i = 0; i < n; i++) {
                int c = (int) ((i / inner) % columns);
                double v = b.get(i);
                s.sum[c] += v;
                s.squares[c] += v * v;
              }
              s.count += n / columns;
            });
    return new Observed(out, runs.batches());
  }
}
