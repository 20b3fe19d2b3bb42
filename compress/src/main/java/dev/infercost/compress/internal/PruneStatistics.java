package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import dev.infercost.compress.CompressException;
import dev.infercost.compress.internal.EncoderStructures.Block;
import dev.infercost.models.Tensor;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * First and second moments of the features each block's consumer layer reads (row count, sums and
 * the Gram matrix XᵀX), and of the block's input (sums and sums of squares per feature), over the
 * calibration batches. ONNX Runtime computes each batch's Gram matrix and sums in nodes added to a
 * copy of the model, so only m×m floats per block leave it per batch; they are added up in double.
 * Memory is m² doubles per block, whatever the number of batches.
 */
public final class PruneStatistics {
  private PruneStatistics() {}

  /** The moments of one block, summed over all rows of all batches. */
  public static final class Moments {
    /** Rows (tokens) seen. */
    public double rows;

    /** Per feature: Σx. */
    public final double[] sum;

    /** Row-major m×m: Σ xxᵀ. */
    public final double[] gram;

    /** Rows of the block's input seen. */
    public double inputRows;

    /** Per input feature: Σz and Σz². */
    public final double[] inputSum;

    public final double[] inputSquares;

    Moments(int m, int d) {
      sum = new double[m];
      gram = new double[m * m];
      inputSum = new double[d];
      inputSquares = new double[d];
    }

    /** The features' means. */
    public double[] mean() {
      double[] mu = new double[sum.length];
      for (int i = 0; i < mu.length; i++) {
        mu[i] = sum[i] / rows;
      }
      return mu;
    }

    /** The features' covariance, row-major m×m. */
    public double[] covariance() {
      int m = sum.length;
      double[] mu = mean();
      double[] c = new double[m * m];
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < m; j++) {
          c[i * m + j] = gram[i * m + j] / rows - mu[i] * mu[j];
        }
      }
      return c;
    }

    /**
     * Σ over input features of their variance: the energy of the residual stream the block reads.
     */
    public double inputVariance() {
      double v = 0;
      for (int i = 0; i < inputSum.length; i++) {
        double mu = inputSum[i] / inputRows;
        v += Math.max(0, inputSquares[i] / inputRows - mu * mu);
      }
      return v;
    }
  }

  /** What calibration saw: moments per block key, and the batch count. */
  public record Collected(Map<String, Moments> moments, int batches) {}

  private enum Part {
    GRAM,
    SUM,
    ROWS,
    INPUT_SUM,
    INPUT_SQUARES,
    INPUT_ROWS
  }

  private record Target(Moments moments, Part part) {}

  /** Runs {@code model} over {@code batches} once and returns the moments of every block. */
  public static Collected collect(
      ModelProto model, List<Block> blocks, Iterable<List<Tensor>> batches)
      throws CompressException {
    GraphProto.Builder g = model.getGraph().toBuilder();
    Names names = new Names(model.getGraph());
    boolean axesInput = opset(model) >= 13;
    Map<String, Target> targets = new HashMap<>();
    Map<String, Moments> moments = new LinkedHashMap<>();
    int i = 0;
    for (Block b : blocks) {
      int m = b.consumer().in();
      int d = b.inputWidth();
      Moments mo = new Moments(m, d);
      moments.put(b.key(), mo);
      String p = "infercost_prune" + i++;
      String x2 = flatten(g, names, p + "_x", b.features(), m);
      String xt = names.fresh(p, "_xt");
      g.addNode(
          node("Transpose", names, List.of(x2), xt).addAttribute(Ops.intsAttribute("perm", 1, 0)));
      String gram = names.fresh(p, "_gram");
      g.addNode(node("MatMul", names, List.of(xt, x2), gram));
      targets.put(gram, new Target(mo, Part.GRAM));
      targets.put(sum(g, names, x2, p + "_sum", axesInput), new Target(mo, Part.SUM));
      targets.put(rows(g, names, x2, p + "_rows"), new Target(mo, Part.ROWS));
      String z2 = flatten(g, names, p + "_z", b.input(), d);
      String zz = names.fresh(p, "_zz");
      g.addNode(node("Mul", names, List.of(z2, z2), zz));
      targets.put(sum(g, names, z2, p + "_zsum", axesInput), new Target(mo, Part.INPUT_SUM));
      targets.put(sum(g, names, zz, p + "_zsq", axesInput), new Target(mo, Part.INPUT_SQUARES));
      targets.put(rows(g, names, z2, p + "_zrows"), new Target(mo, Part.INPUT_ROWS));
    }
    ModelProto stats = model.toBuilder().setGraph(g).build();
    Set<String> outputs = new LinkedHashSet<>(targets.keySet());
    var runs = Calibrator.run(stats, outputs, batches, (name, t) -> add(targets.get(name), t));
    return new Collected(moments, runs.batches());
  }

  private static void add(Target t, OnnxTensor value) {
    FloatBuffer f = value.getFloatBuffer();
    Moments m = t.moments();
    switch (t.part()) {
      case GRAM -> addTo(m.gram, f);
      case SUM -> addTo(m.sum, f);
      case ROWS -> m.rows += f.get(0);
      case INPUT_SUM -> addTo(m.inputSum, f);
      case INPUT_SQUARES -> addTo(m.inputSquares, f);
      case INPUT_ROWS -> m.inputRows += f.get(0);
    }
  }

  private static void addTo(double[] acc, FloatBuffer f) {
    for (int i = 0; i < acc.length; i++) {
      acc[i] += f.get(i);
    }
  }

  /** {@code value} reshaped to [rows, width]. */
  private static String flatten(
      GraphProto.Builder g, Names names, String base, String value, int width) {
    String shape = names.fresh(base, "_shape");
    g.addInitializer(Initializers.ofLongs(shape, new long[] {-1, width}));
    String out = names.fresh(base, "_2d");
    g.addNode(node("Reshape", names, List.of(value, shape), out));
    return out;
  }

  /** Column sums of a 2-D value. */
  private static String sum(
      GraphProto.Builder g, Names names, String x2, String base, boolean axesInput) {
    String out = names.fresh(base, "");
    NodeProto.Builder n;
    if (axesInput) {
      String axes = names.fresh(base, "_axes");
      g.addInitializer(Initializers.ofLongs(axes, new long[] {0}));
      n = node("ReduceSum", names, List.of(x2, axes), out);
    } else {
      n = node("ReduceSum", names, List.of(x2), out).addAttribute(Ops.intsAttribute("axes", 0));
    }
    g.addNode(n.addAttribute(Ops.intAttribute("keepdims", 0)));
    return out;
  }

  /** The row count of a 2-D value, as a float scalar. */
  private static String rows(GraphProto.Builder g, Names names, String x2, String base) {
    String shape = names.fresh(base, "_shape");
    g.addNode(node("Shape", names, List.of(x2), shape));
    String f = names.fresh(base, "_float");
    g.addNode(
        node("Cast", names, List.of(shape), f)
            .addAttribute(Ops.intAttribute("to", TensorProto.DataType.FLOAT_VALUE)));
    String zero = names.fresh(base, "_index");
    g.addInitializer(Initializers.ofLongs(zero, new long[0], new long[] {0}));
    String out = names.fresh(base, "");
    g.addNode(node("Gather", names, List.of(f, zero), out));
    return out;
  }

  private static NodeProto.Builder node(String op, Names names, List<String> in, String out) {
    return NodeProto.newBuilder()
        .setOpType(op)
        .setName(names.fresh(out, "_node"))
        .addAllInput(in)
        .addOutput(out);
  }

  /** The default-domain opset of {@code m}. */
  static long opset(ModelProto m) {
    for (OperatorSetIdProto o : m.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        return o.getVersion();
      }
    }
    return 1;
  }
}
