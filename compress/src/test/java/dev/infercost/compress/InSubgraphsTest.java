package dev.infercost.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.infercost.compress.internal.Initializers;
import dev.infercost.models.DType;
import dev.infercost.models.Models;
import dev.infercost.models.OnnxModel;
import dev.infercost.models.Tensor;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Weights inside If branches are quantized: the form of Optimum's merged decoders (both branches
 * read the main graph's weights) and Silero VAD (a branch per sample rate, weights built from
 * Constants inside the branch).
 */
class InSubgraphsTest {
  private static final int K = 16;
  private static final int N = 32;
  private static final long[] X = {3, K};

  /**
   * {@code y = If(cache, then: Relu(x·W)·V, else: x·W + b)}: W and b in the main graph, V a
   * Constant transposed inside the then branch (folded there before it can be quantized).
   */
  private static ModelProto merged() {
    float[] v = Tiny.random(N * K, 3, 0.2f);
    GraphProto then =
        GraphProto.newBuilder()
            .setName("with_cache")
            .addOutput(Tiny.value("y_then", TensorProto.DataType.FLOAT, "batch", K))
            .addNode(
                Tiny.node(
                    "Constant",
                    "v_const",
                    List.of(),
                    List.of("v_t"),
                    Tiny.tensorAttr("value", Tiny.floats("", v, K, N))))
            .addNode(
                Tiny.node(
                    "Transpose",
                    "v_transpose",
                    List.of("v_t"),
                    List.of("V"),
                    Tiny.ints("perm", 1, 0)))
            .addNode(Tiny.node("MatMul", "then_mm1", List.of("x", "W"), List.of("h_then")))
            .addNode(Tiny.node("Relu", "then_relu", List.of("h_then"), List.of("r_then")))
            .addNode(Tiny.node("MatMul", "then_mm2", List.of("r_then", "V"), List.of("y_then")))
            .build();
    GraphProto otherwise =
        GraphProto.newBuilder()
            .setName("without_cache")
            .addOutput(Tiny.value("y_else", TensorProto.DataType.FLOAT, "batch", N))
            .addNode(Tiny.node("MatMul", "else_mm", List.of("x", "W"), List.of("h_else")))
            .addNode(Tiny.node("Add", "else_add", List.of("h_else", "b"), List.of("y_else")))
            .build();
    GraphProto g =
        GraphProto.newBuilder()
            .setName("merged")
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, "batch", K))
            .addInput(Tiny.value("cache", TensorProto.DataType.BOOL))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT))
            .addInitializer(
                Initializers.ofFloats("W", new long[] {K, N}, Tiny.random(K * N, 1, 0.3f)))
            .addInitializer(Initializers.ofFloats("b", new long[] {N}, Tiny.random(N, 2, 0.1f)))
            .addNode(
                Tiny.node(
                    "If",
                    "use_cache_branch",
                    List.of("cache"),
                    List.of("y"),
                    Tiny.graphAttr("then_branch", then),
                    Tiny.graphAttr("else_branch", otherwise)))
            .build();
    return Tiny.model(g);
  }

  private static float[] run(ModelProto m, boolean cache, float[] x) throws Exception {
    var env = Models.ortEnvironment();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        OrtSession s = env.createSession(m.toByteArray(), o);
        OnnxTensor xt = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), X);
        OnnxTensor c = OnnxTensor.createTensor(env, cache);
        OrtSession.Result r = s.run(Map.of("x", xt, "cache", c))) {
      FloatBuffer b = ((OnnxTensor) r.get(0)).getFloatBuffer();
      float[] out = new float[b.remaining()];
      b.get(out);
      return out;
    }
  }

  /** Every initializer of {@code g}, in every scope. */
  private static List<TensorProto> initializers(GraphProto g) {
    List<TensorProto> out = new ArrayList<>(g.getInitializerList());
    for (NodeProto n : g.getNodeList()) {
      for (AttributeProto a : n.getAttributeList()) {
        if (a.hasG()) {
          out.addAll(initializers(a.getG()));
        }
      }
    }
    return out;
  }

  /** How many nodes of each op type {@code g} has, in every scope. */
  private static Map<String, Integer> ops(GraphProto g, Map<String, Integer> into) {
    for (NodeProto n : g.getNodeList()) {
      into.merge(n.getOpType(), 1, Integer::sum);
      for (AttributeProto a : n.getAttributeList()) {
        if (a.hasG()) {
          ops(a.getG(), into);
        }
      }
    }
    return into;
  }

  /** How often each value is defined (initializer, node output, input), over every scope. */
  private static Map<String, Integer> definitions(GraphProto g, Map<String, Integer> into) {
    g.getInputList().forEach(v -> into.merge(v.getName(), 1, Integer::sum));
    g.getInitializerList().forEach(t -> into.merge(t.getName(), 1, Integer::sum));
    for (NodeProto n : g.getNodeList()) {
      n.getOutputList().forEach(o -> into.merge(o, 1, Integer::sum));
      for (AttributeProto a : n.getAttributeList()) {
        if (a.hasG()) {
          definitions(a.getG(), into);
        }
      }
    }
    return into;
  }

  @Test
  void bothBranchesAreQuantizedAndTheirSharedWeightIsStoredOnce() throws Exception {
    ModelProto in = merged();
    QuantOptions o = new QuantOptions(NodeFilter.all(), true, false, true, 0);
    CompressResult r = Compressor.quantizeDynamic(OnnxModel.of(in), o, List.of());
    ModelProto out = r.model().proto();
    GraphProto g = out.getGraph();

    Map<String, Integer> ops = ops(g, new HashMap<>());
    assertEquals(null, ops.get("MatMul"), ops.toString());
    assertEquals(3, ops.get("MatMulInteger"), ops.toString());
    List<String> rewritten =
        r.passes().stream()
            .filter(p -> p.pass().equals("int8-dynamic-matmul"))
            .flatMap(p -> p.rewritten().stream())
            .toList();
    assertEquals(List.of("then_mm1", "then_mm2", "else_mm"), rewritten);

    // W is quantized in each branch alike: one int8 copy, in the main graph; no float W or V left.
    List<TensorProto> all = initializers(g);
    List<TensorProto> int8 =
        all.stream().filter(t -> t.getDataType() == TensorProto.DataType.INT8_VALUE).toList();
    assertEquals(2, int8.size(), int8.stream().map(TensorProto::getName).toList().toString());
    assertTrue(g.getInitializerList().containsAll(int8), "stored in the main graph");
    assertTrue(
        all.stream()
            .noneMatch(
                t -> t.getDataType() == TensorProto.DataType.FLOAT_VALUE && t.getDimsCount() == 2),
        all.stream().map(TensorProto::getName).toList().toString());

    // No name is defined twice in any two scopes (a subgraph may not shadow an outer name).
    definitions(g, new HashMap<>())
        .forEach(
            (name, times) -> assertEquals(1, times, "'" + name + "' defined " + times + " times"));

    float[] x = Tiny.random(3 * K, 7, 1f);
    for (boolean cache : new boolean[] {true, false}) {
      float[] ref = run(in, cache, x);
      float[] q = run(out, cache, x);
      assertEquals(ref.length, q.length);
      double cos = Tiny.cosine(ref, q);
      assertTrue(cos > 0.999, "cache=" + cache + ": cosine " + cos);
      assertTrue(cos < 1, "cache=" + cache + ": int8 changes the output a little");
    }
  }

  @Test
  void aBodyWeightBehindNodesIsFoldedInItsBodyAndStaysThere() throws Exception {
    PassResult c =
        new dev.infercost.compress.internal.CanonicalizePass()
            .apply(merged(), PassContext.of(NodeFilter.all()));
    GraphProto g = c.model().getGraph();
    Map<String, Integer> ops = ops(g, new HashMap<>());
    assertEquals(null, ops.get("Transpose"), ops.toString());
    assertEquals(null, ops.get("Constant"), ops.toString());
    assertTrue(
        c.notes().contains("1 constant-only nodes inside subgraphs folded the same way"),
        c.notes().toString());
    assertEquals(
        List.of("W", "b"), g.getInitializerList().stream().map(TensorProto::getName).toList());
    // V stays in its branch, under its own name (a sibling scope may use the name for another
    // value).
    GraphProto then = g.getNode(0).getAttribute(0).getG();
    assertEquals(
        List.of("V"), then.getInitializerList().stream().map(TensorProto::getName).toList());
    float[] x = Tiny.random(3 * K, 8, 1f);
    assertEquals(0, Tiny.maxAbsDiff(run(merged(), true, x), run(c.model(), true, x)), 1e-6);
  }

  @Test
  void staticInt8LeavesBranchesFloatAndSaysWhy() throws Exception {
    ModelProto in = merged();
    List<List<Tensor>> batches = new ArrayList<>();
    for (int b = 0; b < 4; b++) {
      ByteBuffer cache = ByteBuffer.allocateDirect(1).put(0, (byte) 1);
      batches.add(
          List.of(
              Tensor.ofFloats("x", X, Tiny.random(3 * K, 20 + b, 1f)),
              Tensor.of("cache", DType.BOOL, new long[0], cache)));
    }
    OnnxModel m = OnnxModel.of(in);
    CompressResult r =
        Compressor.quantizeStaticCpu(m, StaticOptions.defaults(), Compressor.calibrate(m, batches));
    List<String> why =
        r.passes().stream()
            .filter(p -> p.pass().equals("int8-static"))
            .flatMap(p -> p.skipped().stream())
            .filter(s -> s.contains("inside a subgraph"))
            .toList();
    assertEquals(3, why.size(), why.toString());
    assertTrue(why.get(0).startsWith("then_mm1: "), why.toString());
    float[] x = Tiny.random(3 * K, 9, 1f);
    assertEquals(0, Tiny.maxAbsDiff(run(in, false, x), run(r.model().proto(), false, x)), 1e-6);
  }

  @Test
  void aNodeInsideABranchCanBeIncludedByName() throws Exception {
    OnnxModel m = OnnxModel.of(merged());
    NodeFilter only = new NodeFilter(List.of("else_mm"), List.of());
    only.checkIncludes(m);
    CompressResult r =
        Compressor.quantizeDynamic(m, new QuantOptions(only, true, false, true, 0), List.of());
    List<String> rewritten =
        r.passes().stream()
            .filter(p -> p.pass().equals("int8-dynamic-matmul"))
            .flatMap(p -> p.rewritten().stream())
            .toList();
    assertEquals(List.of("else_mm"), rewritten);
  }

  /** {@code If(cache, then: x·kᵀ, else: x·k'ᵀ)}, both branches naming their Constant k and kt. */
  private static ModelProto siblings(boolean same) {
    float[] a = Tiny.random(K * K, 11, 0.3f);
    float[] b = same ? a : Tiny.random(K * K, 12, 0.3f);
    GraphProto.Builder g =
        GraphProto.newBuilder()
            .setName("siblings")
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, "batch", K))
            .addInput(Tiny.value("cache", TensorProto.DataType.BOOL))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT));
    List<AttributeProto> branches = new ArrayList<>();
    for (String side : List.of("then", "else")) {
      float[] k = side.equals("then") ? a : b;
      branches.add(
          Tiny.graphAttr(
              side + "_branch",
              GraphProto.newBuilder()
                  .setName(side)
                  .addOutput(Tiny.value("out_" + side, TensorProto.DataType.FLOAT, "batch", K))
                  .addNode(
                      Tiny.node(
                          "Constant",
                          side + "_k",
                          List.of(),
                          List.of("k"),
                          Tiny.tensorAttr("value", Tiny.floats("", k, K, K))))
                  .addNode(
                      Tiny.node(
                          "Transpose",
                          side + "_t",
                          List.of("k"),
                          List.of("kt"),
                          Tiny.ints("perm", 1, 0)))
                  .addNode(
                      Tiny.node("MatMul", side + "_mm", List.of("x", "kt"), List.of("out_" + side)))
                  .build()));
    }
    g.addNode(
        Tiny.node(
            "If", "if", List.of("cache"), List.of("y"), branches.toArray(AttributeProto[]::new)));
    return Tiny.model(g.build());
  }

  @Test
  void siblingBranchesMayNameTheirOwnValuesAlike() throws Exception {
    float[] x = Tiny.random(3 * K, 13, 1f);
    for (boolean same : new boolean[] {false, true}) {
      ModelProto in = siblings(same);
      ModelProto out = dynamic(in);
      for (boolean cache : new boolean[] {true, false}) {
        double cos = Tiny.cosine(run(in, cache, x), run(out, cache, x));
        assertTrue(cos > 0.999, "same=" + same + " cache=" + cache + ": cosine " + cos);
      }
      long int8 =
          initializers(out.getGraph()).stream()
              .filter(t -> t.getDataType() == TensorProto.DataType.INT8_VALUE)
              .count();
      assertEquals(same ? 1 : 2, int8, "same=" + same);
    }
  }

  @Test
  void aWeightTheMainGraphAndABranchBothReadIsStoredOnceInInt8() throws Exception {
    ModelProto out = dynamic(withMainMatMul(merged().getGraph().toBuilder()));
    List<String> int8 =
        initializers(out.getGraph()).stream()
            .filter(t -> t.getDataType() == TensorProto.DataType.INT8_VALUE)
            .map(TensorProto::getName)
            .toList();
    assertEquals(List.of("W_quantized", "V_quantized"), int8);
  }

  @Test
  void aNameTheMainGraphMintsIsNotOneABranchUses() throws Exception {
    // The then branch calls its Relu's output x_quantized: the name the main graph's quantized
    // activation would take.
    GraphProto.Builder g = merged().getGraph().toBuilder();
    GraphProto.Builder then = g.getNodeBuilder(0).getAttributeBuilder(0).getGBuilder();
    for (NodeProto.Builder n : then.getNodeBuilderList()) {
      for (int k = 0; k < n.getInputCount(); k++) {
        if (n.getInput(k).equals("r_then")) {
          n.setInput(k, "x_quantized");
        }
      }
      if (n.getOutputCount() > 0 && n.getOutput(0).equals("r_then")) {
        n.setOutput(0, "x_quantized");
      }
    }
    ModelProto out = dynamic(withMainMatMul(g));
    definitions(out.getGraph(), new HashMap<>())
        .forEach(
            (name, times) -> assertEquals(1, times, "'" + name + "' defined " + times + " times"));
  }

  /** {@code g} with a main-graph MatMul of x by W as a second output, as a model. */
  private static ModelProto withMainMatMul(GraphProto.Builder g) {
    g.addOutput(Tiny.value("m", TensorProto.DataType.FLOAT, "batch", N))
        .addNode(Tiny.node("MatMul", "main_mm", List.of("x", "W"), List.of("m")));
    return Tiny.model(g.build());
  }

  /** {@code m} through int8-dynamic with every node, per channel. */
  private static ModelProto dynamic(ModelProto m) throws CompressException {
    return Compressor.quantizeDynamic(
            OnnxModel.of(m), new QuantOptions(NodeFilter.all(), true, false, true, 0), List.of())
        .model()
        .proto();
  }
}
