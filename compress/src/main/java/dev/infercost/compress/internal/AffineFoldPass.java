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
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Folds the per-channel affine ops after a Conv into its weight and bias, so that the Conv writes
 * their output: an inference-mode BatchNormalization ({@code k = γ / √(var + ε)}: {@code W' = W ·
 * k}, {@code b' = (b − mean) · k + β}), a Mul by a constant ({@code W' = W · c}, {@code b' = b ·
 * c}) and an Add of a constant ({@code b' = b + a}), in any chain. Exporters write batch norm as
 * Mul and Add (frozen batch norm, TensorFlow's decomposed form) and some architectures scale every
 * Conv's output by a learned scalar and shift (PP-LCNet's affine blocks); left in place, those ops
 * have no integer kernel, so the Conv before them would keep a float output and run unfused. Static
 * int8 folds before it quantizes.
 *
 * <p>An op folds when the Conv's weight (and bias, if any) and the op's parameters are float32
 * initializers, the parameters hold one value or one per output channel broadcasting along the
 * channel axis only, and the value it reads is read by nothing else and is no graph output. The
 * folded weight and bias are new initializers, so a weight shared with another node keeps its
 * values there. The rewrite is exact up to float rounding and does not depend on the node filter.
 */
public final class AffineFoldPass implements Pass {
  @Override
  public String name() {
    return "fold-affine";
  }

  @Override
  public boolean idempotent() {
    return true;
  }

  /** A Conv with the affine ops folded into it so far. */
  private static final class Folded {
    final NodeProto conv;
    final long[] dims;
    final float[] weights;
    final float[] bias;
    final List<String> labels = new ArrayList<>();
    String output;

    Folded(NodeProto conv, long[] dims, float[] weights, float[] bias) {
      this.conv = conv;
      this.dims = dims;
      this.weights = weights;
      this.bias = bias;
      this.output = conv.getOutput(0);
      labels.add(Ops.label(conv));
    }

    int channels() {
      return (int) dims[0];
    }

    /** {@code y → y · scale[c] + shift[c]} per output channel. */
    void apply(double[] scale, double[] shift) {
      int per = weights.length / channels();
      for (int c = 0; c < channels(); c++) {
        for (int i = 0; i < per; i++) {
          weights[c * per + i] = (float) (weights[c * per + i] * scale[c]);
        }
        bias[c] = (float) (bias[c] * scale[c] + shift[c]);
      }
    }
  }

  @Override
  public PassResult apply(ModelProto model, PassContext ctx) {
    GraphProto g = model.getGraph();
    Map<String, TensorProto> init = Graphs.initializers(g);
    Map<String, Integer> readers = Graphs.readers(g);
    Set<String> outputs = Graphs.outputs(g);
    Map<String, NodeProto> producers = Graphs.producers(g);
    Map<NodeProto, Folded> folded = new LinkedHashMap<>();
    Map<String, Folded> byOutput = new HashMap<>();
    Set<NodeProto> dropped = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    List<String> skipped = new ArrayList<>();
    for (NodeProto n : g.getNodeList()) {
      Op op = Op.of(n.getOpType());
      if (!Op.defaultDomain(n.getDomain())
          || (op != Op.BATCH_NORMALIZATION && op != Op.MUL && op != Op.ADD)) {
        continue;
      }
      String x = activation(n, op, init);
      if (x == null) {
        continue;
      }
      Folded f = byOutput.get(x);
      NodeProto conv = f != null ? f.conv : producers.get(x);
      if (conv == null
          || Op.of(conv.getOpType()) != Op.CONV
          || !Op.defaultDomain(conv.getDomain())) {
        continue;
      }
      String why =
          readers.getOrDefault(x, 0) != 1 || outputs.contains(x)
              ? "the Conv's output is read by other nodes too"
              : null;
      if (why == null && f == null) {
        why = weightProblem(conv, init);
      }
      double[][] affine = null;
      if (why == null) {
        int channels = (int) init.get(conv.getInput(1)).getDims(0);
        int rank = init.get(conv.getInput(1)).getDimsCount();
        affine = affine(n, op, x, init, channels, rank);
        why = affine == null ? "its parameters are not float32 constants per channel" : null;
      }
      if (why != null) {
        if (op == Op.BATCH_NORMALIZATION) {
          skipped.add(Ops.label(n) + ": " + why);
        }
        continue;
      }
      if (f == null) {
        f = start(conv, init);
        folded.put(conv, f);
      }
      f.apply(affine[0], affine[1]);
      f.labels.add(Ops.label(n));
      byOutput.remove(x);
      f.output = n.getOutput(0);
      byOutput.put(f.output, f);
      dropped.add(n);
    }
    List<String> rewritten = new ArrayList<>();
    folded.values().forEach(f -> rewritten.add(String.join("+", f.labels)));
    if (rewritten.isEmpty()) {
      return new PassResult(name(), model, rewritten, skipped);
    }
    Names names = new Names(g);
    List<TensorProto> newInits = new ArrayList<>();
    List<NodeProto> nodes = new ArrayList<>();
    Set<String> gone = new HashSet<>();
    for (NodeProto n : g.getNodeList()) {
      if (dropped.contains(n)) {
        n.getOutputList().forEach(gone::add);
        continue;
      }
      Folded f = folded.get(n);
      if (f == null) {
        nodes.add(n);
        continue;
      }
      gone.add(n.getOutput(0));
      String wName = names.fresh(n.getInput(1), "_folded");
      String bName = names.fresh(n.getName().isEmpty() ? wName : n.getName(), "_bias_folded");
      newInits.add(Initializers.ofFloats(wName, f.dims, f.weights));
      newInits.add(Initializers.ofFloats(bName, new long[] {f.channels()}, f.bias));
      NodeProto.Builder b = n.toBuilder().setInput(1, wName).setOutput(0, f.output);
      if (n.getInputCount() > 2) {
        b.setInput(2, bName);
      } else {
        b.addInput(bName);
      }
      nodes.add(b.build());
    }
    gone.removeAll(byOutput.keySet());
    GraphProto.Builder gb = g.toBuilder().clearNode().addAllNode(nodes).addAllInitializer(newInits);
    // Values no node writes any more would keep a stale value_info.
    for (int i = gb.getValueInfoCount() - 1; i >= 0; i--) {
      if (gone.contains(gb.getValueInfo(i).getName())) {
        gb.removeValueInfo(i);
      }
    }
    ModelProto out = model.toBuilder().setGraph(Graphs.dropUnusedInitializers(gb.build())).build();
    return new PassResult(name(), out, rewritten, skipped);
  }

  /** The value {@code n} transforms, when its other inputs are initializers; else null. */
  private static String activation(NodeProto n, Op op, Map<String, TensorProto> init) {
    if (op == Op.BATCH_NORMALIZATION) {
      boolean inference =
          n.getOutputList().stream().skip(1).allMatch(String::isEmpty) && n.getInputCount() == 5;
      return inference && !init.containsKey(n.getInput(0)) ? n.getInput(0) : null;
    }
    if (n.getInputCount() != 2) {
      return null;
    }
    boolean a = init.containsKey(n.getInput(0));
    boolean b = init.containsKey(n.getInput(1));
    return a == b ? null : n.getInput(a ? 1 : 0);
  }

  private static String weightProblem(NodeProto conv, Map<String, TensorProto> init) {
    String w = Ops.weightProblem(conv, Op.CONV, init);
    if (w != null) {
      return "the Conv's " + w;
    }
    if (conv.getInputCount() > 2 && !conv.getInput(2).isEmpty()) {
      TensorProto b = init.get(conv.getInput(2));
      if (b == null || Initializers.floats(b) == null || b.getDimsCount() != 1) {
        return "the Conv's bias is not a float32 initializer";
      }
    }
    return null;
  }

  private static Folded start(NodeProto conv, Map<String, TensorProto> init) {
    TensorProto w = init.get(conv.getInput(1));
    long[] dims = Initializers.dims(w);
    float[] bias =
        conv.getInputCount() > 2 && !conv.getInput(2).isEmpty()
            ? Initializers.floats(init.get(conv.getInput(2)))
            : new float[(int) dims[0]];
    return new Folded(conv, dims, Initializers.floats(w), bias);
  }

  /** {@code {scale, shift}} per channel of {@code n}, or null when it is not per channel. */
  private static double[][] affine(
      NodeProto n, Op op, String x, Map<String, TensorProto> init, int channels, int rank) {
    double[] scale = new double[channels];
    double[] shift = new double[channels];
    if (op == Op.BATCH_NORMALIZATION) {
      float[][] p = new float[4][];
      for (int i = 0; i < 4; i++) {
        p[i] = perChannel(init.get(n.getInput(i + 1)), channels, 1);
        if (p[i] == null) {
          return null;
        }
      }
      float eps = Ops.floatAttr(n, "epsilon", 1e-5f);
      for (int c = 0; c < channels; c++) {
        scale[c] = p[0][c] / Math.sqrt((double) p[3][c] + eps);
        shift[c] = p[1][c] - p[2][c] * scale[c];
      }
      return new double[][] {scale, shift};
    }
    String param = n.getInput(0).equals(x) ? n.getInput(1) : n.getInput(0);
    float[] v = perChannel(init.get(param), channels, rank);
    if (v == null) {
      return null;
    }
    for (int c = 0; c < channels; c++) {
      scale[c] = op == Op.MUL ? v[c] : 1;
      shift[c] = op == Op.ADD ? v[c] : 0;
    }
    return new double[][] {scale, shift};
  }

  /**
   * The values of {@code t} per channel when, right-aligned to a tensor of {@code rank} dims whose
   * axis 1 has {@code channels} (or, for rank 1, axis 0), it holds one value or one per channel
   * along that axis alone; else null. The output rank never grows: a parameter of higher rank than
   * the Conv's output would broadcast it.
   */
  private static float[] perChannel(TensorProto t, int channels, int rank) {
    float[] v = t == null ? null : Initializers.floats(t);
    if (v == null || t.getDimsCount() > rank) {
      return null;
    }
    int axis = rank == 1 ? 0 : 1;
    int offset = rank - t.getDimsCount();
    for (int i = 0; i < t.getDimsCount(); i++) {
      long d = t.getDims(i);
      if (d != 1 && !(offset + i == axis && d == channels)) {
        return null;
      }
    }
    if (v.length == channels) {
      return v;
    }
    if (v.length != 1) {
      return null;
    }
    float[] all = new float[channels];
    java.util.Arrays.fill(all, v[0]);
    return all;
  }
}
