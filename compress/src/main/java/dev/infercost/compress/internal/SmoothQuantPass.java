package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.compress.Pass;
import dev.infercost.compress.PassContext;
import dev.infercost.compress.PassResult;
import dev.infercost.models.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

  private final boolean attention;

  /** Smoothing for MatMuls alone, the weights int8-qdq quantizes. */
  public SmoothQuantPass() {
    this(false);
  }

  /**
   * @param attention also smooth ONNX Runtime's fused Attention nodes, which int8-dynamic and
   *     int8-static run as QAttention
   */
  public SmoothQuantPass(boolean attention) {
    this.attention = attention;
  }

  @Override
  public String name() {
    return "smoothquant";
  }

  @Override
  public boolean idempotent() {
    return false; // a second run would migrate again with stale statistics
  }

  /**
   * MatMuls, and with {@code attention} fused Attention nodes (whose Q/K/V weight reads its input
   * the same way), this pass (and the int8 passes after it) may rewrite, grouped by activation.
   */
  public static Map<String, List<NodeProto>> candidates(
      GraphProto g, PassContext ctx, boolean attention) {
    Map<String, TensorProto> init = Graphs.initializers(g);
    Map<String, List<NodeProto>> groups = new LinkedHashMap<>();
    for (NodeProto n : g.getNodeList()) {
      boolean matmul = Ops.weighted(n.getOpType()) == Op.MATMUL;
      boolean fused = attention && DynamicAttentionPass.isAttention(n);
      if (!(matmul || fused) || !ctx.filter().accepts(n)) {
        continue;
      }
      String problem =
          matmul
              ? Ops.weightProblem(n, Op.MATMUL, init)
              : DynamicAttentionPass.unsupported(n, init);
      if (problem == null && !init.containsKey(n.getInput(0))) {
        groups.computeIfAbsent(n.getInput(0), k -> new ArrayList<>()).add(n);
      }
    }
    return groups;
  }

  @Override
  public PassResult apply(ModelProto model, PassContext ctx) {
    GraphProto g = model.getGraph();
    Rewrite rw = new Rewrite(g);
    List<String> rewritten = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    Map<String, List<NodeProto>> groups = candidates(g, ctx, attention);
    Set<String> copies = groups.isEmpty() ? Set.of() : ShareInitializersPass.copies(g);
    Map<String, AlphaSearch.Choice> alphas =
        ctx.smoothAlpha() == PassContext.AUTO_ALPHA ? searchAlphas(groups, rw.init, ctx) : Map.of();
    for (var e : groups.entrySet()) {
      String x = e.getKey();
      List<NodeProto> group = e.getValue();
      float[] xMax = ctx.activationMax().get(x);
      int k = (int) rw.init.get(group.get(0).getInput(1)).getDims(0);
      if (xMax == null || xMax.length != k) {
        skipped.add(x + ": no per-channel calibration statistics");
        continue;
      }
      NodeProto sharing =
          group.stream()
              .filter(
                  n ->
                      rw.readers.getOrDefault(n.getInput(1), 0) > 1
                          || copies.contains(n.getInput(1)))
              .findFirst()
              .orElse(null);
      if (sharing != null) {
        // Scaled for this reader alone, a weight that several layers share (read by them, or
        // written out once per reader by the export) would be stored once per reader.
        skipped.add(x + ": the weight of " + Ops.label(sharing) + " is shared with other nodes");
        continue;
      }
      AlphaSearch.Choice choice = alphas.get(x);
      double alpha =
          ctx.smoothAlpha() != PassContext.AUTO_ALPHA
              ? ctx.smoothAlpha()
              : choice == null ? 0 : choice.alpha();
      if (alpha == 0) {
        skipped.add(x + ": no smoothing (α=0 simulated best)");
        continue;
      }
      float[] wAll = concatenated(group, rw.init, k);
      float[] s = AlphaSearch.scales(xMax, AlphaSearch.rowMax(wAll, k, wAll.length / k), alpha);
      String how;
      String input = x;
      boolean onlyGroupReads = rw.readers.getOrDefault(x, 0) == group.size();
      NodeProto p = rw.producers.get(x);
      int constant = p == null ? -1 : foldableConstant(p, rw.init, k);
      ValueProjection vp = onlyGroupReads ? ValueProjection.find(x, rw) : null;
      if (constant >= 0 && onlyGroupReads) {
        rw.divideConstant(p, constant, s);
        how = "folded into " + p.getName();
      } else if (vp != null) {
        rw.divideColumns(vp.matmul(), s);
        rw.divideConstant(vp.biasAdd(), vp.biasInput(), s);
        how = "folded into value projection " + vp.matmul().getName();
      } else if (choice == null || choice.gain() >= MIN_GAIN_FOR_EXTRA_OP) {
        input = rw.insertDivision(x, s);
        how = "Mul node";
      } else {
        skipped.add(
            x
                + String.format(
                    java.util.Locale.ROOT, ": gain %.2f does not pay for a Mul", choice.gain()));
        continue;
      }
      for (NodeProto n : group) {
        rw.multiplyRows(n, s, input);
        rewritten.add(n.getName() + " (α=" + alpha + ", " + how + ")");
      }
    }
    return new PassResult(
        name(), model.toBuilder().setGraph(rw.build()).build(), rewritten, skipped);
  }

  /** The edits of one application, applied to the graph at the end. */
  static final class Rewrite {
    final GraphProto graph;
    final Map<String, TensorProto> init;
    final Map<String, Integer> readers;

    /** Readers that use values, not just the shape (Shape nodes excluded). */
    final Map<String, Integer> valueReaders = new HashMap<>();

    final Map<String, NodeProto> producers = new HashMap<>();
    private final Names names;
    private final Map<String, TensorProto> newInits = new LinkedHashMap<>();
    private final Map<NodeProto, NodeProto> replaced = new HashMap<>();
    private final Map<String, NodeProto> insertAfter = new HashMap<>();

    Rewrite(GraphProto g) {
      graph = g;
      init = Graphs.initializers(g);
      readers = Graphs.readers(g);
      names = new Names(g);
      for (NodeProto n : g.getNodeList()) {
        n.getOutputList().forEach(o -> producers.put(o, n));
        if (!Op.SHAPE.is(n.getOpType())) {
          n.getInputList().forEach(i -> valueReaders.merge(i, 1, Integer::sum));
        }
      }
      g.getOutputList().forEach(o -> valueReaders.merge(o.getName(), 1, Integer::sum));
    }

    /** The node as rewritten so far. */
    NodeProto current(NodeProto n) {
      return replaced.getOrDefault(n, n);
    }

    private TensorProto tensor(String name) {
      return newInits.containsKey(name) ? newInits.get(name) : init.get(name);
    }

    /** Replaces input {@code i} of {@code n} with new float values of the same shape. */
    private void setFloats(NodeProto n, int i, long[] dims, float[] values) {
      NodeProto cur = current(n);
      String name =
          names.fresh(
              init.containsKey(cur.getInput(i)) ? cur.getInput(i) : n.getInput(i), "_smoothed");
      newInits.put(name, Initializers.ofFloats(name, dims, values));
      replaced.put(n, cur.toBuilder().setInput(i, name).build());
    }

    /** A constant input (scalar or per-channel) divided by s, materialized per channel. */
    void divideConstant(NodeProto n, int i, float[] s) {
      float[] c = Initializers.floats(tensor(current(n).getInput(i)));
      float[] out = new float[s.length];
      for (int j = 0; j < s.length; j++) {
        out[j] = c[c.length == 1 ? 0 : j] / s[j];
      }
      setFloats(n, i, new long[] {s.length}, out);
    }

    /** Weight columns of a MatMul divided by s. */
    void divideColumns(NodeProto n, float[] s) {
      TensorProto w = tensor(current(n).getInput(1));
      float[] v = Initializers.floats(w);
      int cols = (int) w.getDims(1);
      for (int i = 0; i < v.length; i++) {
        v[i] /= s[i % cols];
      }
      setFloats(n, 1, Initializers.dims(w), v);
    }

    /** Weight rows of a MatMul multiplied by s, reading {@code input}. */
    void multiplyRows(NodeProto n, float[] s, String input) {
      TensorProto w = tensor(current(n).getInput(1));
      float[] v = Initializers.floats(w);
      int cols = (int) w.getDims(1);
      for (int i = 0; i < v.length; i++) {
        v[i] *= s[i / cols];
      }
      setFloats(n, 1, Initializers.dims(w), v);
      replaced.put(n, current(n).toBuilder().setInput(0, input).build());
    }

    /** Inserts {@code x · (1/s)} after x's producer and returns the new tensor's name. */
    String insertDivision(String x, float[] s) {
      float[] inv = new float[s.length];
      for (int j = 0; j < s.length; j++) {
        inv[j] = 1f / s[j];
      }
      String invName = names.fresh(x, "_smooth_scale");
      newInits.put(invName, Initializers.ofFloats(invName, new long[] {s.length}, inv));
      String out = names.fresh(x, "_smoothed");
      insertAfter.put(
          x,
          Op.MUL
              .node(names.fresh(x, "_smooth_mul"))
              .addInput(x)
              .addInput(invName)
              .addOutput(out)
              .build());
      return out;
    }

    GraphProto build() {
      List<NodeProto> nodes = new ArrayList<>();
      // Graph inputs can be smoothed too: their Mul goes first.
      for (var v : graph.getInputList()) {
        if (insertAfter.containsKey(v.getName())) {
          nodes.add(insertAfter.get(v.getName()));
        }
      }
      for (NodeProto n : graph.getNodeList()) {
        nodes.add(current(n));
        for (String o : n.getOutputList()) {
          if (insertAfter.containsKey(o)) {
            nodes.add(insertAfter.get(o));
          }
        }
      }
      GraphProto out =
          graph.toBuilder()
              .clearNode()
              .addAllNode(nodes)
              .addAllInitializer(newInits.values())
              .build();
      return Graphs.dropUnusedInitializers(out);
    }
  }

  /**
   * Multi-head attention's context is a per-channel linear image of the value projection: {@code X
   * = Reshape(Transpose(MatMul(P, Transpose(Reshape(Add(MatMul(h, Wv), b))))))} with both
   * transposes swapping the head and sequence axes. Dividing Wv's columns and b by s divides X's
   * channels by s exactly, at no run-time cost.
   */
  record ValueProjection(NodeProto matmul, NodeProto biasAdd, int biasInput) {
    static ValueProjection find(String x, Rewrite rw) {
      NodeProto reshape = single(x, Op.RESHAPE, rw);
      NodeProto t1 = reshape == null ? null : single(reshape.getInput(0), Op.TRANSPOSE, rw);
      NodeProto ctx = t1 == null || !headSwap(t1) ? null : single(t1.getInput(0), Op.MATMUL, rw);
      NodeProto t2 = ctx == null ? null : single(ctx.getInput(1), Op.TRANSPOSE, rw);
      NodeProto r2 = t2 == null || !headSwap(t2) ? null : single(t2.getInput(0), Op.RESHAPE, rw);
      NodeProto add = r2 == null ? null : single(r2.getInput(0), Op.ADD, rw);
      if (add == null) {
        return null;
      }
      for (int i = 0; i < 2; i++) {
        TensorProto b = rw.init.get(add.getInput(i));
        NodeProto mm = single(add.getInput(1 - i), Op.MATMUL, rw);
        TensorProto w = mm == null ? null : rw.init.get(mm.getInput(1));
        if (b != null
            && w != null
            && w.getDimsCount() == 2
            && Initializers.count(b.getDimsList()) == w.getDims(1)
            && b.getDataType() == TensorProto.DataType.FLOAT_VALUE) {
          return new ValueProjection(mm, add, i);
        }
      }
      return null;
    }

    /**
     * The producer of {@code value} if it has that op type and nothing else reads the value's
     * contents (Shape nodes only read its shape, which scaling leaves alone).
     */
    private static NodeProto single(String value, Op op, Rewrite rw) {
      NodeProto p = rw.producers.get(value);
      return p != null && op.is(p.getOpType()) && rw.valueReaders.getOrDefault(value, 0) == 1
          ? p
          : null;
    }

    private static boolean headSwap(NodeProto t) {
      for (var a : t.getAttributeList()) {
        if (a.getName().equals("perm")) {
          return a.getIntsList().equals(List.of(0L, 2L, 1L, 3L));
        }
      }
      return false;
    }
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
    if (!p.getOpType().equals(Op.MUL.type()) || p.getInputCount() != 2) {
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
