package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.compress.Pass;
import dev.infercost.compress.PassContext;
import dev.infercost.compress.PassResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SmoothQuant-style scale migration (Xiao et al. 2023): for each activation X feeding MatMuls with
 * constant weights, per input channel j, {@code s_j = max|X_j|^α / max|W_j|^(1-α)}; X is divided by
 * s and the weights' rows multiplied by it, so {@code X·W} is unchanged while X's outlier channels
 * shrink before per-tensor int8. The division is folded into the producing Mul-by- constant when X
 * feeds nothing else (e.g. the 0.5 of a decomposed GELU); otherwise one Mul node is inserted,
 * shared by the MatMuls reading X.
 *
 * <p>Needs the calibrated channel maxima in {@link PassContext#activationMax()}; activations
 * without them are left alone.
 */
public final class SmoothQuantPass implements Pass {
  /**
   * When smoothing needs its own Mul node (about 40-160 µs per layer on MiniLM, 1 thread), the
   * simulated error must shrink at least this many times for the Mul to be worth its time.
   */
  static final double MIN_GAIN_FOR_EXTRA_OP = 2.0;

  @Override
  public String name() {
    return "smoothquant";
  }

  @Override
  public boolean idempotent() {
    return false; // a second run would migrate again with stale statistics
  }

  /** MatMuls this pass (and the int8 pass after it) may rewrite, grouped by activation. */
  public static Map<String, List<NodeProto>> candidates(GraphProto g, PassContext ctx) {
    Map<String, TensorProto> init = Graphs.initializers(g);
    Map<String, List<NodeProto>> groups = new LinkedHashMap<>();
    for (NodeProto n : g.getNodeList()) {
      if (Ops.weighted(n.getOpType()) != Ops.MATMUL || !ctx.filter().accepts(n)) {
        continue;
      }
      TensorProto w = init.get(n.getInput(1));
      if (w != null
          && w.getDataType() == TensorProto.DataType.FLOAT_VALUE
          && w.getDimsCount() == 2
          && !init.containsKey(n.getInput(0))) {
        groups.computeIfAbsent(n.getInput(0), k -> new ArrayList<>()).add(n);
      }
    }
    return groups;
  }

  @Override
  public PassResult apply(ModelProto model, PassContext ctx) {
    GraphProto g = model.getGraph();
    Map<String, TensorProto> init = Graphs.initializers(g);
    Map<String, Integer> readers = Graphs.readers(g);
    Map<String, NodeProto> producers = new HashMap<>();
    for (NodeProto n : g.getNodeList()) {
      n.getOutputList().forEach(o -> producers.put(o, n));
    }
    Names names = new Names(g);
    List<TensorProto> newInits = new ArrayList<>();
    Map<NodeProto, NodeProto> replaced = new HashMap<>();
    Map<String, NodeProto> insertAfter = new HashMap<>();
    List<String> rewritten = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    Map<String, List<NodeProto>> groups = candidates(g, ctx);
    Map<String, AlphaSearch.Choice> alphas =
        ctx.smoothAlpha() == PassContext.AUTO_ALPHA ? searchAlphas(groups, init, ctx) : Map.of();
    for (var e : groups.entrySet()) {
      String x = e.getKey();
      List<NodeProto> group = e.getValue();
      float[] xMax = ctx.activationMax().get(x);
      int k = (int) init.get(group.get(0).getInput(1)).getDims(0);
      if (xMax == null || xMax.length != k) {
        skipped.add(x + ": no per-channel calibration statistics");
        continue;
      }
      float[] wAll = concatenated(group, init, k);
      AlphaSearch.Choice choice = alphas.get(x);
      double alpha =
          ctx.smoothAlpha() != PassContext.AUTO_ALPHA
              ? ctx.smoothAlpha()
              : choice == null ? 0 : choice.alpha();

      if (alpha == 0) {
        skipped.add(x + ": no smoothing (α=0 simulated best)");
        continue;
      }
      float[] s = AlphaSearch.scales(xMax, AlphaSearch.rowMax(wAll, k, wAll.length / k), alpha);
      String input = x;
      NodeProto p = producers.get(x);
      int foldable = p == null ? -1 : foldableConstant(p, init, k);
      boolean fold = foldable >= 0 && readers.getOrDefault(x, 0) == group.size();
      if (!fold && choice != null && choice.gain() < MIN_GAIN_FOR_EXTRA_OP) {
        skipped.add(
            x
                + String.format(
                    java.util.Locale.ROOT, ": gain %.2f does not pay for a Mul", choice.gain()));
        continue;
      }
      if (fold) {
        TensorProto c = init.get(p.getInput(foldable));
        float[] cv = Initializers.floats(c);
        float[] folded = new float[k];
        for (int j = 0; j < k; j++) {
          folded[j] = cv[cv.length == 1 ? 0 : j] / s[j];
        }
        String name = names.fresh(c.getName(), "_smoothed");
        newInits.add(Initializers.ofFloats(name, new long[] {k}, folded));
        replaced.put(p, p.toBuilder().setInput(foldable, name).build());
      } else {
        float[] inv = new float[k];
        for (int j = 0; j < k; j++) {
          inv[j] = 1f / s[j];
        }
        String invName = names.fresh(x, "_smooth_scale");
        newInits.add(Initializers.ofFloats(invName, new long[] {k}, inv));
        input = names.fresh(x, "_smoothed");
        insertAfter.put(
            x,
            Ops.MUL
                .node(names.fresh(x, "_smooth_mul"))
                .addInput(x)
                .addInput(invName)
                .addOutput(input)
                .build());
      }
      for (NodeProto n : group) {
        TensorProto w = init.get(n.getInput(1));
        float[] v = Initializers.floats(w);
        int cols = (int) w.getDims(1);
        for (int r = 0; r < k; r++) {
          for (int c = 0; c < cols; c++) {
            v[r * cols + c] *= s[r];
          }
        }
        String wName = names.fresh(w.getName(), "_smoothed");
        newInits.add(Initializers.ofFloats(wName, Initializers.dims(w), v));
        replaced.put(n, n.toBuilder().setInput(0, input).setInput(1, wName).build());
        rewritten.add(n.getName() + " (α=" + alpha + ")");
      }
    }
    List<NodeProto> nodes = new ArrayList<>();
    // Graph inputs can be smoothed too: their Mul goes first.
    for (var v : g.getInputList()) {
      if (insertAfter.containsKey(v.getName())) {
        nodes.add(insertAfter.get(v.getName()));
      }
    }
    for (NodeProto n : g.getNodeList()) {
      nodes.add(replaced.getOrDefault(n, n));
      for (String o : n.getOutputList()) {
        if (insertAfter.containsKey(o)) {
          nodes.add(insertAfter.get(o));
        }
      }
    }
    GraphProto out =
        g.toBuilder().clearNode().addAllNode(nodes).addAllInitializer(newInits).build();
    return new PassResult(
        name(),
        model.toBuilder().setGraph(Graphs.dropUnusedInitializers(out)).build(),
        rewritten,
        skipped);
  }

  /** Column-wise concatenation of the group's {@code k × n_i} weights. */
  private static float[] concatenated(List<NodeProto> group, Map<String, TensorProto> init, int k) {
    int total = 0;
    for (NodeProto n : group) {
      total += (int) init.get(n.getInput(1)).getDims(1);
    }
    float[] out = new float[k * total];
    int offset = 0;
    for (NodeProto n : group) {
      TensorProto w = init.get(n.getInput(1));
      float[] v = Initializers.floats(w);
      int cols = (int) w.getDims(1);
      for (int r = 0; r < k; r++) {
        System.arraycopy(v, r * cols, out, r * total + offset, cols);
      }
      offset += cols;
    }
    return out;
  }

  /** The simulated-best α per activation, searched in parallel. */
  private static Map<String, AlphaSearch.Choice> searchAlphas(
      Map<String, List<NodeProto>> groups, Map<String, TensorProto> init, PassContext ctx) {
    int qmax = ctx.reducedRange() ? 63 : 127;
    Map<String, AlphaSearch.Choice> out = new java.util.concurrent.ConcurrentHashMap<>();
    groups.entrySet().parallelStream()
        .forEach(
            e -> {
              float[] xMax = ctx.activationMax().get(e.getKey());
              List<float[]> samples = ctx.activationSamples().get(e.getKey());
              int k = (int) init.get(e.getValue().get(0).getInput(1)).getDims(0);
              if (xMax != null && xMax.length == k && samples != null && !samples.isEmpty()) {
                float[] w = concatenated(e.getValue(), init, k);
                out.put(
                    e.getKey(),
                    AlphaSearch.best(samples, xMax, w, k, w.length / k, qmax, ctx.perChannel()));
              }
            });
    return out;
  }

  /**
   * Index of the constant input of a Mul whose constant is a scalar or per-channel vector of length
   * {@code k}, or -1.
   */
  private static int foldableConstant(NodeProto p, Map<String, TensorProto> init, int k) {
    if (!p.getOpType().equals(Ops.MUL.type) || p.getInputCount() != 2) {
      return -1;
    }
    for (int i = 0; i < 2; i++) {
      TensorProto c = init.get(p.getInput(i));
      if (c != null
          && c.getDataType() == TensorProto.DataType.FLOAT_VALUE
          && !init.containsKey(p.getInput(1 - i))) {
        long n = Initializers.count(c.getDimsList());
        boolean lastDimOnly = c.getDimsCount() == 0 || c.getDims(c.getDimsCount() - 1) == n;
        if ((n == 1 || n == k) && lastDimOnly) {
          return i;
        }
      }
    }
    return -1;
  }
}
