package dev.infercost.compress;

import static dev.infercost.compress.Tiny.intAttr;
import static dev.infercost.compress.Tiny.ints;
import static dev.infercost.compress.Tiny.node;
import static dev.infercost.compress.Tiny.random;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.compress.internal.Initializers;
import dev.infercost.models.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A one-layer transformer encoder built in code, as PyTorch exports BERT: attention with the split
 * shapes computed by Shape → Gather → Unsqueeze → Concat chains (or given as initializers), then a
 * feed-forward block with the Erf form of GELU; x [batch, seq, d] → y.
 */
final class TinyEncoder {
  static final int D = 8;
  static final int M = 16;
  static final int HEADS = 4;
  static final int HEAD = 2;

  private TinyEncoder() {}

  /** What to build. */
  record Spec(boolean attention, boolean ffn, boolean constShapes, long seed) {}

  /** The weights, row-major; tests zero some of them before building. */
  static final class Weights {
    float[] wq = random(D * D, 1, 0.5f);
    float[] wk = random(D * D, 2, 0.5f);
    float[] wv = random(D * D, 3, 0.5f);
    float[] wo = random(D * D, 4, 0.5f);
    float[] bq = random(D, 5, 0.1f);
    float[] bk = random(D, 6, 0.1f);
    float[] bv = random(D, 7, 0.1f);
    float[] bo = random(D, 8, 0.1f);
    float[] w1 = random(D * M, 9, 0.5f);
    float[] b1 = random(M, 10, 0.1f);
    float[] w2 = random(M * D, 11, 0.5f);
    float[] b2 = random(D, 12, 0.1f);
  }

  static ModelProto build(Spec s, Weights w) {
    GraphProto.Builder g =
        GraphProto.newBuilder()
            .setName("encoder")
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, "batch", "seq", D))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, "batch", "seq", D));
    String x = "x";
    if (s.attention()) {
      x = attention(g, w, x, s.constShapes());
    }
    if (s.ffn()) {
      x = ffn(g, w, x);
    }
    g.addNode(node("Identity", "out", List.of(x), List.of("y")));
    return Tiny.model(g.build());
  }

  private static void init(GraphProto.Builder g, String name, long[] dims, float[] v) {
    g.addInitializer(Initializers.ofFloats(name, dims, v));
  }

  private static void longs(GraphProto.Builder g, String name, long... v) {
    g.addInitializer(Initializers.ofLongs(name, v));
  }

  private static String linear(
      GraphProto.Builder g, String name, String in, float[] w, float[] b, int k, int n) {
    init(g, name + ".W", new long[] {k, n}, w);
    init(g, name + ".b", new long[] {n}, b);
    g.addNode(node("MatMul", name + "/MatMul", List.of(in, name + ".W"), List.of(name + "/mm")));
    g.addNode(
        node("Add", name + "/Add", List.of(name + ".b", name + "/mm"), List.of(name + "/out")));
    return name + "/out";
  }

  /** Shape [batch, seq, ...tail] as a Concat of gathered dims and constants, or a constant. */
  private static String shape(
      GraphProto.Builder g, String p, String of, boolean constant, long... tail) {
    if (constant) {
      long[] all = new long[tail.length + 2];
      System.arraycopy(tail, 0, all, 2, tail.length);
      longs(g, p + "/shape", all); // 0, 0: copy batch and seq
      return p + "/shape";
    }
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      g.addNode(node("Shape", p + "/Shape" + i, List.of(of), List.of(p + "/shape" + i)));
      g.addInitializer(Initializers.ofLongs(p + "/idx" + i, new long[0], new long[] {i}));
      g.addNode(
          node(
              "Gather",
              p + "/Gather" + i,
              List.of(p + "/shape" + i, p + "/idx" + i),
              List.of(p + "/dim" + i),
              intAttr("axis", 0)));
      g.addInitializer(Initializers.ofLongs(p + "/axes" + i, new long[] {0}));
      g.addNode(
          node(
              "Unsqueeze",
              p + "/Unsqueeze" + i,
              List.of(p + "/dim" + i, p + "/axes" + i),
              List.of(p + "/part" + i)));
      parts.add(p + "/part" + i);
    }
    for (int i = 0; i < tail.length; i++) {
      longs(g, p + "/c" + i, tail[i]);
      parts.add(p + "/c" + i);
    }
    g.addNode(node("Concat", p + "/Concat", parts, List.of(p + "/shape"), intAttr("axis", 0)));
    return p + "/shape";
  }

  private static String heads(
      GraphProto.Builder g, String p, String in, boolean constShapes, long... perm) {
    String s = shape(g, p, in, constShapes, HEADS, HEAD);
    g.addNode(node("Reshape", p + "/Reshape", List.of(in, s), List.of(p + "/split")));
    g.addNode(
        node(
            "Transpose",
            p + "/Transpose",
            List.of(p + "/split"),
            List.of(p + "/heads"),
            ints("perm", perm)));
    return p + "/heads";
  }

  private static String attention(GraphProto.Builder g, Weights w, String x, boolean cs) {
    String q = heads(g, "q", linear(g, "query", x, w.wq, w.bq, D, D), cs, 0, 2, 1, 3);
    String k = heads(g, "k", linear(g, "key", x, w.wk, w.bk, D, D), cs, 0, 2, 3, 1);
    String v = heads(g, "v", linear(g, "value", x, w.wv, w.bv, D, D), cs, 0, 2, 1, 3);
    g.addNode(node("MatMul", "scores", List.of(q, k), List.of("scores/out")));
    init(g, "scale", new long[0], new float[] {(float) Math.sqrt(HEAD)});
    g.addNode(node("Div", "scaled", List.of("scores/out", "scale"), List.of("scaled/out")));
    g.addNode(
        node("Softmax", "softmax", List.of("scaled/out"), List.of("probs"), intAttr("axis", -1)));
    g.addNode(node("MatMul", "context", List.of("probs", v), List.of("context/out")));
    g.addNode(
        node(
            "Transpose",
            "merge/Transpose",
            List.of("context/out"),
            List.of("merge/t"),
            ints("perm", 0, 2, 1, 3)));
    String s = shape(g, "merge", "merge/t", cs, HEADS * HEAD);
    g.addNode(node("Reshape", "merge/Reshape", List.of("merge/t", s), List.of("merged")));
    String o = linear(g, "attn_out", "merged", w.wo, w.bo, D, D);
    g.addNode(node("Add", "attn_residual", List.of(o, x), List.of("attn_res")));
    return "attn_res";
  }

  private static String ffn(GraphProto.Builder g, Weights w, String x) {
    String h = linear(g, "up", x, w.w1, w.b1, D, M);
    init(g, "sqrt2", new long[0], new float[] {(float) Math.sqrt(2)});
    init(g, "one", new long[0], new float[] {1});
    init(g, "half", new long[0], new float[] {0.5f});
    g.addNode(node("Div", "gelu/Div", List.of(h, "sqrt2"), List.of("gelu/div")));
    g.addNode(node("Erf", "gelu/Erf", List.of("gelu/div"), List.of("gelu/erf")));
    g.addNode(node("Add", "gelu/Add", List.of("gelu/erf", "one"), List.of("gelu/add")));
    g.addNode(node("Mul", "gelu/Mul", List.of(h, "gelu/add"), List.of("gelu/mul")));
    g.addNode(node("Mul", "gelu/Mul1", List.of("gelu/mul", "half"), List.of("gelu/out")));
    return linear(g, "down", "gelu/out", w.w2, w.b2, M, D);
  }

  /** Calibration batches: {@code n} batches [2, seq, D] of correlated features, seq varying. */
  static List<List<Tensor>> batches(int n, long seed) {
    List<List<Tensor>> out = new ArrayList<>();
    float[] mix = random(D * D, seed + 1000, 0.6f);
    for (int i = 0; i < n; i++) {
      int seq = 3 + i % 4;
      float[] z = random(2 * seq * D, seed + i, 1f);
      float[] x = new float[z.length];
      for (int r = 0; r < 2 * seq; r++) {
        for (int j = 0; j < D; j++) {
          double v = z[r * D + j];
          for (int q = 0; q < D; q++) {
            v += mix[j * D + q] * z[r * D + q];
          }
          x[r * D + j] = (float) v;
        }
      }
      out.add(List.of(Tensor.ofFloats("x", new long[] {2, seq, D}, x)));
    }
    return out;
  }
}
