package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.compress.CompressException;
import dev.infercost.compress.NodeFilter;
import dev.infercost.compress.Pass;
import dev.infercost.compress.PassContext;
import dev.infercost.compress.PassResult;
import dev.infercost.models.Op;
import dev.infercost.models.Sparsifier;
import dev.infercost.models.SparsityOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Zeroes weights of MatMul / Gemm / Conv initializers as {@link SparsityOptions} say ({@link
 * Sparsifier} does the choosing). Only values change: no node, name or shape does. A weight read by
 * several nodes is sparsified once, under its first reader's name, with the input norms of all its
 * readers summed (a weight shared with an excluded node is still sparsified for the node that reads
 * it). Subgraphs are not entered.
 */
public final class SparsityPass implements Pass {
  private final SparsityOptions options;
  private final Map<Feature, double[]> sumSquares;

  /**
   * @param sumSquares per activation and feature axis, the sum of squares of each feature over the
   *     calibration data (empty by magnitude)
   */
  public SparsityPass(SparsityOptions options, Map<Feature, double[]> sumSquares) {
    this.options = options;
    this.sumSquares = Map.copyOf(sumSquares);
  }

  /** An activation input and the axis of its features (last for MatMul/Gemm, 1 for Conv). */
  public record Feature(String tensor, boolean channelAxis) {}

  /** A weight to sparsify and how its layout maps onto {@link Sparsifier.Weight}. */
  record Target(
      NodeProto node, TensorProto weight, int outer, int reduction, int inner, int groups) {
    Feature feature() {
      return new Feature(node.getInput(0), node.getOpType().equals(Op.CONV.type()));
    }
  }

  /** What {@link #sparsify} did: the pass result and the layers' figures. */
  public record Outcome(PassResult result, Sparsifier.Outcome sparsity) {}

  @Override
  public String name() {
    return "sparsity";
  }

  @Override
  public boolean idempotent() {
    // Zeros score 0, so a second run picks the zeros the first one made and changes nothing.
    return true;
  }

  @Override
  public PassResult apply(ModelProto model, PassContext context) throws CompressException {
    return sparsify(model, context.filter()).result();
  }

  /** The activations whose feature norms activation-aware sparsity reads. */
  public static List<Feature> features(ModelProto model, NodeFilter filter) {
    List<Feature> out = new ArrayList<>();
    for (Target t : targets(model.getGraph(), filter, new ArrayList<>()).values()) {
      if (!out.contains(t.feature())) {
        out.add(t.feature());
      }
    }
    return out;
  }

  /** Sparsifies {@code model}; the result names each rewritten node and each one left dense. */
  public Outcome sparsify(ModelProto model, NodeFilter filter) {
    GraphProto g = model.getGraph();
    List<String> skipped = new ArrayList<>();
    Map<String, Target> targets = targets(g, filter, skipped);
    Map<String, List<Feature>> readers = new LinkedHashMap<>();
    Map<String, TensorProto> init = Graphs.initializers(g);
    for (NodeProto n : g.getNodeList()) {
      Target t = targetOf(n, init);
      if (t != null && targets.containsKey(t.weight().getName()) && filter.accepts(n)) {
        readers.computeIfAbsent(t.weight().getName(), k -> new ArrayList<>()).add(t.feature());
      }
    }
    List<Sparsifier.Weight> weights = new ArrayList<>();
    for (Target t : targets.values()) {
      weights.add(
          new Sparsifier.Weight(
              Ops.label(t.node()),
              Initializers.floats(t.weight()),
              t.outer(),
              t.reduction(),
              t.inner(),
              t.groups(),
              options.importance() == SparsityOptions.Importance.ACTIVATION
                  ? norms(readers.get(t.weight().getName()), t.groups() * t.reduction())
                  : null));
    }
    Sparsifier.Outcome r = Sparsifier.sparsify(weights, options);
    Map<String, TensorProto> replaced = new LinkedHashMap<>();
    List<String> rewritten = new ArrayList<>();
    int i = 0;
    for (Target t : targets.values()) {
      float[] v = r.values().get(i++);
      if (v != weights.get(i - 1).values()) {
        replaced.put(
            t.weight().getName(),
            Initializers.ofFloats(t.weight().getName(), Initializers.dims(t.weight()), v));
        rewritten.add(Ops.label(t.node()));
      }
    }
    skipped.addAll(r.skipped());
    GraphProto.Builder b = g.toBuilder();
    for (int k = 0; k < b.getInitializerCount(); k++) {
      TensorProto n = replaced.get(b.getInitializer(k).getName());
      if (n != null) {
        b.setInitializer(k, n);
      }
    }
    long zeros = r.layers().stream().mapToLong(l -> l.zeros()).sum();
    long n = r.layers().stream().mapToLong(l -> l.elements()).sum();
    List<String> notes =
        List.of(
            zeros
                + " of "
                + n
                + " weights zero in "
                + r.layers().size()
                + " layers ("
                + options.pattern().spelling()
                + ", "
                + options.importance().name().toLowerCase(java.util.Locale.ROOT)
                + "); dense kernels are no faster");
    return new Outcome(
        new PassResult(name(), model.toBuilder().setGraph(b).build(), rewritten, skipped, notes),
        r);
  }

  /** Per feature, sqrt of the summed squares of every reader's input ({@code n} features). */
  private float[] norms(List<Feature> features, int n) {
    double[] sum = new double[n];
    for (Feature f : features) {
      double[] s = sumSquares.get(f);
      if (s == null || s.length != n) {
        throw new IllegalArgumentException(
            f.tensor() + ": no calibration norms for " + n + " features");
      }
      for (int k = 0; k < n; k++) {
        sum[k] += s[k];
      }
    }
    float[] out = new float[n];
    for (int k = 0; k < n; k++) {
      out[k] = (float) Math.sqrt(sum[k]);
    }
    return out;
  }

  /** Weights to sparsify by initializer name, first reader first; the rest into {@code skipped}. */
  private static Map<String, Target> targets(
      GraphProto g, NodeFilter filter, List<String> skipped) {
    Map<String, TensorProto> init = Graphs.initializers(g);
    Map<String, Target> out = new LinkedHashMap<>();
    for (NodeProto n : g.getNodeList()) {
      Op op = Ops.weighted(n.getOpType());
      if (op == null || op == Op.GATHER || !Op.defaultDomain(n.getDomain())) {
        continue;
      }
      if (!filter.accepts(n)) {
        skipped.add(Ops.label(n) + ": excluded");
        continue;
      }
      String problem = Ops.weightProblem(n, op, init);
      if (problem != null) {
        skipped.add(Ops.label(n) + ": " + problem);
        continue;
      }
      Target t = targetOf(n, init);
      out.putIfAbsent(t.weight().getName(), t);
    }
    return out;
  }

  /** {@code n}'s weight laid out as outer × reduction × inner, or {@code null}. */
  private static Target targetOf(NodeProto n, Map<String, TensorProto> init) {
    Op op = Ops.weighted(n.getOpType());
    if (op == null || op == Op.GATHER || Ops.weightProblem(n, op, init) != null) {
      return null;
    }
    TensorProto w = init.get(n.getInput(op.weightInput()));
    long[] d = Initializers.dims(w);
    if (op == Op.CONV) {
      long inner = 1;
      for (int k = 2; k < d.length; k++) {
        inner *= d[k];
      }
      int groups = (int) Ops.intAttr(n, "group", 1);
      return new Target(
          n, w, Math.toIntExact(d[0]), Math.toIntExact(d[1]), Math.toIntExact(inner), groups);
    }
    if (op == Op.GEMM && Ops.intAttr(n, "transB", 0) != 0) {
      return new Target(n, w, Math.toIntExact(d[0]), Math.toIntExact(d[1]), 1, 1); // [N, K]
    }
    return new Target(n, w, 1, Math.toIntExact(d[0]), Math.toIntExact(d[1]), 1); // [K, N]
  }
}
