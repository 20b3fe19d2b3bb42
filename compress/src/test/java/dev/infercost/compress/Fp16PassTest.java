package dev.infercost.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.infercost.compress.internal.ElemTypes;
import dev.infercost.compress.internal.Fp16Pass;
import dev.infercost.compress.internal.Initializers;
import dev.infercost.models.Half;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.Models;
import dev.infercost.models.OnnxModel;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Fp16PassTest {
  private static final PassContext CTX = PassContext.of(NodeFilter.all());
  private static final int F32 = TensorProto.DataType.FLOAT_VALUE;
  private static final int F16 = TensorProto.DataType.FLOAT16_VALUE;
  private static final TensorProto.DataType FLOAT = TensorProto.DataType.FLOAT;
  private static final TensorProto.DataType INT64 = TensorProto.DataType.INT64;

  @TempDir Path tmp;

  private static PassResult fp16(ModelProto m) throws CompressException {
    return new Fp16Pass(Fp16Options.DEFAULT_BLOCK_LIST, true).apply(m, CTX);
  }

  @Test
  void matMulAndAddComputeInHalfBetweenFloatInputsAndOutputs() throws Exception {
    ModelProto m = Tiny.matmul(64, 32, 1);
    PassResult r = fp16(m);
    GraphProto g = r.model().getGraph();
    assertEquals(List.of("Cast", "MatMul", "Add", "Cast"), Tiny.opTypes(r.model()));
    assertEquals(List.of(10L, 1L), castTargets(g));
    assertEquals(List.of("mm", "add"), r.rewritten());
    // Graph inputs and outputs keep their names and float32.
    assertEquals("x", g.getInput(0).getName());
    assertEquals(F32, ElemTypes.of(g.getInput(0)));
    assertEquals("y", g.getOutput(0).getName());
    assertEquals(F32, ElemTypes.of(g.getOutput(0)));
    // Weights are float16, each the half nearest to the float32 value.
    for (String name : List.of("W", "b")) {
      float[] before = Initializers.floats(init(m, name));
      TensorProto after = init(r.model(), name);
      assertEquals(F16, after.getDataType());
      assertEquals(init(m, name).getDimsList(), after.getDimsList());
      float[] half = Half.values(after);
      for (int i = 0; i < before.length; i++) {
        assertEquals(Half.round(before[i]), half[i]);
        assertTrue(Math.abs(half[i] - before[i]) <= Math.abs(before[i]) * 0x1p-11f + 0x1p-25f);
      }
    }
    float[] x = Tiny.random(4 * 64, 7, 1f);
    float[] ref = Tiny.run(m, "x", new long[] {4, 64}, x);
    float[] got = Tiny.run(r.model(), "x", new long[] {4, 64}, x);
    assertTrue(
        Tiny.maxAbsDiff(ref, got) < 5e-3 * Tiny.maxAbs(ref), "error " + Tiny.maxAbsDiff(ref, got));
  }

  @Test
  void softmaxStaysAFloat32IslandWithCastsAroundIt() throws Exception {
    ModelProto m = softmaxModel();
    PassResult r = fp16(m);
    GraphProto g = r.model().getGraph();
    assertEquals(
        List.of("Cast", "MatMul", "Cast", "Softmax", "Cast", "MatMul", "Cast"),
        Tiny.opTypes(r.model()));
    assertEquals(List.of(10L, 1L, 10L, 1L), castTargets(g));
    assertEquals(List.of("mm1", "mm2"), r.rewritten());
    assertEquals(List.of("sm: Softmax is on the fp16 block list"), r.skipped());
    NodeProto sm = g.getNode(3);
    assertEquals(producer(g, sm.getInput(0)).getOpType(), "Cast");
    assertEquals(F16, init(r.model(), "W1").getDataType());
    assertEquals(F16, init(r.model(), "W2").getDataType());
    float[] x = Tiny.random(3 * 16, 8, 1f);
    float[] ref = Tiny.run(m, "x", new long[] {3, 16}, x);
    float[] got = Tiny.run(r.model(), "x", new long[] {3, 16}, x);
    assertTrue(
        Tiny.maxAbsDiff(ref, got) < 5e-3 * Tiny.maxAbs(ref), "error " + Tiny.maxAbsDiff(ref, got));
  }

  @Test
  void anInitializerAnIslandAlsoReadsKeepsItsFloat32Copy() throws Exception {
    GraphProto g =
        GraphProto.newBuilder()
            .addInput(Tiny.value("x", FLOAT, "batch", 8))
            .addOutput(Tiny.value("y", FLOAT, "batch", 4))
            .addInitializer(w("W", 8, 4, 1))
            .addInitializer(
                Initializers.ofFloats("c", new long[] {4}, new float[] {1.5f, 2.1f, 3.3f, 0.7f}))
            .addInitializer(w("W2", 4, 4, 2))
            .addNode(Tiny.node("MatMul", "mm", List.of("x", "W"), List.of("h")))
            .addNode(Tiny.node("Add", "add", List.of("h", "c"), List.of("a")))
            .addNode(Tiny.node("Div", "div", List.of("a", "c"), List.of("d")))
            .addNode(Tiny.node("MatMul", "mm2", List.of("d", "W2"), List.of("y")))
            .build();
    ModelProto m = Tiny.model(g);
    PassResult r = fp16(m);
    GraphProto out = r.model().getGraph();
    assertEquals(F32, init(r.model(), "c").getDataType());
    assertEquals(F16, init(r.model(), "c_fp16").getDataType());
    assertEquals(List.of("h", "c_fp16"), node(out, "add").getInputList().subList(0, 2));
    assertEquals("c", node(out, "div").getInput(1));
    assertEquals(
        Initializers.floats(init(m, "c"))[1], Initializers.floats(init(r.model(), "c"))[1]);
    float[] x = Tiny.random(2 * 8, 9, 1f);
    float[] ref = Tiny.run(m, "x", new long[] {2, 8}, x);
    float[] got = Tiny.run(r.model(), "x", new long[] {2, 8}, x);
    assertTrue(Tiny.maxAbsDiff(ref, got) < 5e-3 * Tiny.maxAbs(ref));
  }

  @Test
  void aConstantNodeAnIslandAlsoReadsKeepsItsFloat32Value() throws Exception {
    GraphProto g =
        GraphProto.newBuilder()
            .addInput(Tiny.value("x", FLOAT, "batch", 8))
            .addOutput(Tiny.value("y", FLOAT, "batch", 4))
            .addInitializer(w("W", 8, 4, 3))
            .addNode(Tiny.node("MatMul", "mm", List.of("x", "W"), List.of("h")))
            .addNode(constant("k", 1.0001f))
            .addNode(Tiny.node("Mul", "mul", List.of("h", "k_value"), List.of("a")))
            .addNode(Tiny.node("Div", "div", List.of("a", "k_value"), List.of("y")))
            .build();
    ModelProto m = Tiny.model(g);
    PassResult r = fp16(m);
    GraphProto out = r.model().getGraph();
    // The original Constant keeps its exact float32 value for the Div; a float16 copy feeds Mul.
    assertEquals(F32, node(out, "k").getAttribute(0).getT().getDataType());
    NodeProto copy = producer(out, node(out, "mul").getInput(1));
    assertEquals("Constant", copy.getOpType());
    assertEquals(F16, copy.getAttribute(0).getT().getDataType());
    assertEquals(Half.round(1.0001f), Half.values(copy.getAttribute(0).getT())[0]);
    assertEquals("k_value", node(out, "div").getInput(1));
    float[] x = Tiny.random(2 * 8, 4, 1f);
    float[] ref = Tiny.run(m, "x", new long[] {2, 8}, x);
    float[] got = Tiny.run(r.model(), "x", new long[] {2, 8}, x);
    assertTrue(Tiny.maxAbsDiff(ref, got) < 5e-3 * Tiny.maxAbs(ref));
  }

  @Test
  void valuesASubgraphReadsStayFloat32() throws Exception {
    // An If whose branches read h from the enclosing graph: the branches are not converted, so h
    // keeps its name and float32 (a Cast from the MatMul's float16 output produces it).
    GraphProto then =
        GraphProto.newBuilder()
            .setName("then")
            .addOutput(Tiny.value("t", FLOAT, "batch", 4))
            .addNode(Tiny.node("Relu", "relu", List.of("h"), List.of("t")))
            .build();
    GraphProto otherwise =
        GraphProto.newBuilder()
            .setName("else")
            .addOutput(Tiny.value("e", FLOAT, "batch", 4))
            .addNode(Tiny.node("Neg", "neg", List.of("h"), List.of("e")))
            .build();
    GraphProto g =
        GraphProto.newBuilder()
            .addInput(Tiny.value("x", FLOAT, "batch", 8))
            .addInput(Tiny.value("flag", TensorProto.DataType.BOOL))
            .addOutput(Tiny.value("y", FLOAT, "batch", 4))
            .addInitializer(w("W", 8, 4, 5))
            .addNode(Tiny.node("MatMul", "mm", List.of("x", "W"), List.of("h")))
            .addNode(
                NodeProto.newBuilder()
                    .setOpType("If")
                    .setName("if")
                    .addInput("flag")
                    .addOutput("y")
                    .addAttribute(graphAttr("then_branch", then))
                    .addAttribute(graphAttr("else_branch", otherwise))
                    .build())
            .build();
    PassResult r = fp16(Tiny.model(g));
    GraphProto out = r.model().getGraph();
    assertEquals(List.of("Cast", "MatMul", "Cast", "If"), Tiny.opTypes(r.model()));
    NodeProto cast = producer(out, "h");
    assertEquals("Cast", cast.getOpType());
    assertEquals(1L, intAttr(cast, "to"));
    assertEquals(List.of("mm"), r.rewritten());
    assertEquals(List.of("if: nodes with subgraphs stay float32"), r.skipped());
    Compressor.run(OnnxModel.of(r.model()), List.of(), CTX, Map.of()); // ONNX Runtime loads it
  }

  @Test
  void integerAndIndexTensorsAreNeverTouched() throws Exception {
    ModelProto m = Tiny.model(embeddingGraph());
    PassResult r = fp16(m);
    GraphProto g = r.model().getGraph();
    assertEquals(
        List.of("Gather", "Cast", "Unsqueeze", "Mul", "Reshape", "Constant", "Mul", "Cast"),
        Tiny.opTypes(r.model()));
    // The embedding table is float16; indices, axes and the shape stay int64 and are read as they
    // are, with no Cast on the int64 graph inputs.
    assertEquals(F16, init(r.model(), "table").getDataType());
    assertEquals(TensorProto.DataType.INT64_VALUE, init(r.model(), "axes").getDataType());
    assertEquals(init(m, "shape"), init(r.model(), "shape"));
    assertEquals("ids", node(g, "gather").getInput(1));
    assertEquals("mask", node(g, "mask_cast").getInput(0));
    assertEquals(INT64.getNumber(), ElemTypes.of(g.getInput(0)));
    // Cast(to=FLOAT) inside the float16 region casts to FLOAT16; the Constant is float16.
    assertEquals(10L, intAttr(node(g, "mask_cast"), "to"));
    assertEquals(F16, node(g, "half").getAttribute(0).getT().getDataType());
    assertEquals(0.5f, Half.values(node(g, "half").getAttribute(0).getT())[0]);
    assertEquals(F32, ElemTypes.of(g.getOutput(0)));

    long[] ids = {3, 7, 1, 0, 9, 2};
    long[] mask = {1, 1, 0, 1, 1, 1};
    float[] ref = runIds(m, ids, mask);
    float[] got = runIds(r.model(), ids, mask);
    assertTrue(Tiny.maxAbsDiff(ref, got) < 2e-3 * Tiny.maxAbs(ref));
  }

  @Test
  void decomposedLayerNormKeepsItsEpsilonAndPowerInFloat32() throws Exception {
    ModelProto m = Tiny.model(layerNormGraph());
    PassResult r = fp16(m);
    GraphProto g = r.model().getGraph();
    // ReduceMean, Pow, Sqrt, Div are block-listed; the epsilon Add between two of them joins the
    // island, so its 1e-12 (0 in float16) stays float32.
    assertTrue(
        r.skipped().contains("eps_add: joins the float32 island around it"),
        r.skipped().toString());
    assertEquals(1e-12f, Initializers.floats(init(r.model(), "eps"))[0]);
    assertEquals(F32, init(r.model(), "two").getDataType());
    assertEquals(F16, init(r.model(), "gamma").getDataType());
    assertEquals(F16, init(r.model(), "beta").getDataType());
    assertEquals(List.of("mm", "sub", "gamma_mul", "beta_add"), r.rewritten());
    // No Cast between ReduceMean → Add(eps) → Sqrt.
    assertEquals("ReduceMean", producer(g, node(g, "eps_add").getInput(0)).getOpType());
    assertEquals("Add", producer(g, node(g, "sqrt").getInput(0)).getOpType());
    float[] x = Tiny.random(3 * 16, 10, 1f);
    float[] ref = Tiny.run(m, "x", new long[] {3, 16}, x);
    float[] got = Tiny.run(r.model(), "x", new long[] {3, 16}, x);
    assertTrue(Tiny.maxAbsDiff(ref, got) < 1e-2, "error " + Tiny.maxAbsDiff(ref, got));
  }

  @Test
  void withoutKeepIoTheGraphInputsAndOutputsBecomeHalf() throws Exception {
    ModelProto m = Tiny.matmul(16, 8, 3);
    CompressResult r = Compressor.toFp16(OnnxModel.of(m), Fp16Options.defaults().withKeepIo(false));
    GraphProto g = r.model().proto().getGraph();
    assertEquals(List.of("MatMul", "Add"), Tiny.opTypes(r.model().proto()));
    assertEquals("x", g.getInput(0).getName());
    assertEquals(F16, ElemTypes.of(g.getInput(0)));
    assertEquals("y", g.getOutput(0).getName());
    assertEquals(F16, ElemTypes.of(g.getOutput(0)));
  }

  @Test
  void nodesTheFilterRejectsStayFloat32() throws Exception {
    Fp16Options o = Fp16Options.defaults().withFilter(new NodeFilter(List.of(), List.of("add")));
    CompressResult r = Compressor.toFp16(OnnxModel.of(Tiny.matmul(16, 8, 4)), o);
    ModelProto p = r.model().proto();
    assertEquals(List.of("Cast", "MatMul", "Cast", "Add"), Tiny.opTypes(p));
    assertEquals(F32, init(p, "b").getDataType());
    assertEquals(List.of("add: excluded by the filter"), r.passes().get(1).skipped());
    Map<String, String> meta =
        p.getMetadataPropsList().stream()
            .collect(
                Collectors.toMap(StringStringEntryProto::getKey, StringStringEntryProto::getValue));
    assertEquals("canonicalize,fp16", meta.get("infercost.passes"));
    assertEquals("true", meta.get("infercost.option.keep_io"));
    assertEquals("add", meta.get("infercost.option.exclude"));
  }

  @Test
  void valueInfoOfConvertedValuesSaysFloat16() throws Exception {
    ModelProto m = Tiny.matmul(8, 4, 5);
    m =
        m.toBuilder()
            .setGraph(m.getGraph().toBuilder().addValueInfo(Tiny.value("h", FLOAT, "batch", 4)))
            .build();
    GraphProto g = fp16(m).model().getGraph();
    assertEquals(F16, ElemTypes.of(g.getValueInfo(0)));
    assertEquals(List.of(), ElemTypes.check(g));
  }

  @Test
  void isIdempotent() throws Exception {
    for (ModelProto m :
        List.of(
            softmaxModel(),
            Tiny.model(layerNormGraph()),
            Tiny.model(embeddingGraph()),
            Models.loadOnnx(Models.resolve("digits-cnn", ModelFormat.ONNX)).proto())) {
      ModelProto once = fp16(m).model();
      PassResult twice = fp16(once);
      assertEquals(once, twice.model());
      assertEquals(List.of(), twice.rewritten());
    }
  }

  @Test
  void structuralCheckFindsTypeMixesAndUndefinedValues() {
    GraphProto g =
        GraphProto.newBuilder()
            .addInput(Tiny.value("a", FLOAT, 2))
            .addInput(Tiny.value("b", TensorProto.DataType.FLOAT16, 2))
            .addOutput(Tiny.value("c", FLOAT, 2))
            .addOutput(Tiny.value("e", FLOAT, 2))
            .addNode(Tiny.node("Add", "add", List.of("a", "b"), List.of("c")))
            .addNode(Tiny.node("Relu", "relu", List.of("d"), List.of("e")))
            .build();
    List<String> problems = ElemTypes.check(g);
    assertEquals(
        List.of(
            "relu reads 'd' before it is defined",
            "add (Add) mixes float types: a: FLOAT, b: FLOAT16, c: FLOAT"),
        problems);
  }

  @Test
  void digitsCnnHalvesInSizeAndKeepsEveryPrediction() throws Exception {
    Path src = Models.resolve("digits-cnn", ModelFormat.ONNX);
    OnnxModel m = Models.loadOnnx(src);
    CompressResult r = Compressor.toFp16(m, Fp16Options.defaults());
    Path out = tmp.resolve("digits-cnn.fp16.onnx");
    Models.saveOnnx(r.model(), out);
    long before = Files.size(src);
    long after = Files.size(out);
    System.out.printf(
        "digits-cnn fp16: %d -> %d bytes (%.3f); ops %s; kept fp32: %s%n",
        before,
        after,
        after / (double) before,
        Tiny.opTypes(r.model().proto()),
        r.passes().get(1).skipped());
    // Weights halve; the graph itself (names, shapes, attributes) does not.
    assertTrue(after < 0.6 * before, before + " -> " + after);
    BuiltinFidelity.Digits d = BuiltinFidelity.digits(m.proto(), r.model().proto(), false);
    System.out.println("digits-cnn fp16 on CPU: " + d);
    assertEquals(d.images(), d.agree(), "top-1 equal on every held-out image");
    assertEquals(d.accuracyRef(), d.accuracy());
  }

  @Tag("slow")
  @Test
  void miniLmHalvesInSizeAndKeepsItsEmbeddings() throws Exception {
    Path src = Models.resolve("minilm-l6", ModelFormat.ONNX);
    OnnxModel m = Models.loadOnnx(src);
    CompressResult r = Compressor.toFp16(m, Fp16Options.defaults());
    Path out = tmp.resolve("minilm.fp16.onnx");
    Models.saveOnnx(r.model(), out);
    long before = Files.size(src);
    long after = Files.size(out);
    Map<String, Long> islands =
        r.passes().get(1).skipped().stream()
            .collect(
                Collectors.groupingBy(
                    s -> s.substring(s.indexOf(": ") + 2),
                    LinkedHashMap::new,
                    Collectors.counting()));
    System.out.printf(
        "minilm-l6 fp16: %d -> %d bytes (%.3f); %d nodes fp16, fp32: %s; Casts added %d%n",
        before,
        after,
        after / (double) before,
        r.passes().get(1).rewritten().size(),
        islands,
        Tiny.opTypes(r.model().proto()).stream().filter("Cast"::equals).count()
            - Tiny.opTypes(m.proto()).stream().filter("Cast"::equals).count());
    assertTrue(after < 0.55 * before, before + " -> " + after);
    assertEquals(List.of(), ElemTypes.check(r.model().proto().getGraph()));
    BuiltinFidelity.MiniLm f = BuiltinFidelity.miniLm(m.proto(), r.model().proto(), false);
    System.out.println("minilm-l6 fp16 on CPU: " + f);
    assertTrue(f.minCosine() >= 0.999, f.toString());
  }

  @Test
  void onnxRuntimeCpuRunsTheFloat16RegionInFloat32BehindItsOwnCasts() throws Exception {
    // What the CPU build does with an fp16 model: it has no float16 kernel for Conv, Gemm, Relu,
    // MaxPool (nor MatMul, Add, Mul on x86-64), so its InsertCastTransformer wraps them in Casts to
    // float32. CPU runs therefore measure fidelity, not float16 speed (see compress/README.md).
    ModelProto p =
        Compressor.toFp16(
                Models.loadOnnx(Models.resolve("digits-cnn", ModelFormat.ONNX)),
                Fp16Options.defaults())
            .model()
            .proto();
    Path optimized = tmp.resolve("optimized.onnx");
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
      o.setOptimizedModelFilePath(optimized.toString());
      Models.ortEnvironment().createSession(p.toByteArray(), o).close();
    }
    GraphProto g = Models.loadOnnx(optimized).proto().getGraph();
    Map<String, Integer> types = ElemTypes.infer(g, false);
    for (NodeProto n : g.getNodeList()) {
      if (List.of("Conv", "Gemm").contains(n.getOpType())) {
        assertEquals(F32, types.get(n.getInput(0)), n.getName() + " runs in float32 on CPU");
        assertTrue(producer(g, n.getInput(1)).getName().startsWith("InsertedPrecisionFreeCast_"));
      }
    }
  }

  // --- graphs ---

  private static ModelProto softmaxModel() {
    GraphProto g =
        GraphProto.newBuilder()
            .addInput(Tiny.value("x", FLOAT, "batch", 16))
            .addOutput(Tiny.value("y", FLOAT, "batch", 4))
            .addInitializer(w("W1", 16, 8, 11))
            .addInitializer(w("W2", 8, 4, 12))
            .addNode(Tiny.node("MatMul", "mm1", List.of("x", "W1"), List.of("h")))
            .addNode(
                Tiny.node("Softmax", "sm", List.of("h"), List.of("p"), Tiny.intAttr("axis", -1)))
            .addNode(Tiny.node("MatMul", "mm2", List.of("p", "W2"), List.of("y")))
            .build();
    return Tiny.model(g);
  }

  /** ids [2,3] → Gather(table) × Cast(mask) → Reshape [-1, 4] → × Constant 0.5 → y. */
  private static GraphProto embeddingGraph() {
    return GraphProto.newBuilder()
        .addInput(Tiny.value("ids", INT64, 2, 3))
        .addInput(Tiny.value("mask", INT64, 2, 3))
        .addOutput(Tiny.value("y", FLOAT, 6, 4))
        .addInitializer(Initializers.ofFloats("table", new long[] {10, 4}, Tiny.random(40, 13, 1f)))
        .addInitializer(longs("axes", 2))
        .addInitializer(longs("shape", -1, 4))
        .addNode(Tiny.node("Gather", "gather", List.of("table", "ids"), List.of("e")))
        .addNode(
            Tiny.node("Cast", "mask_cast", List.of("mask"), List.of("mf"), Tiny.intAttr("to", 1)))
        .addNode(Tiny.node("Unsqueeze", "unsq", List.of("mf", "axes"), List.of("mu")))
        .addNode(Tiny.node("Mul", "masked", List.of("e", "mu"), List.of("em")))
        .addNode(Tiny.node("Reshape", "reshape", List.of("em", "shape"), List.of("r")))
        .addNode(
            NodeProto.newBuilder()
                .setOpType("Constant")
                .setName("half")
                .addOutput("half_value")
                .addAttribute(
                    AttributeProto.newBuilder()
                        .setName("value")
                        .setType(AttributeProto.AttributeType.TENSOR)
                        .setT(Initializers.ofFloats("", new long[0], new float[] {0.5f})))
                .build())
        .addNode(Tiny.node("Mul", "scale", List.of("r", "half_value"), List.of("y")))
        .build();
  }

  /** x → MatMul → LayerNorm decomposed as the PyTorch exporter writes it → y. */
  private static GraphProto layerNormGraph() {
    AttributeProto axes =
        AttributeProto.newBuilder()
            .setName("axes")
            .setType(AttributeProto.AttributeType.INTS)
            .addInts(-1)
            .build();
    return GraphProto.newBuilder()
        .addInput(Tiny.value("x", FLOAT, "batch", 16))
        .addOutput(Tiny.value("y", FLOAT, "batch", 8))
        .addInitializer(w("W", 16, 8, 14))
        .addInitializer(Initializers.ofFloats("two", new long[0], new float[] {2f}))
        .addInitializer(Initializers.ofFloats("eps", new long[0], new float[] {1e-12f}))
        .addInitializer(Initializers.ofFloats("gamma", new long[] {8}, Tiny.random(8, 15, 1f)))
        .addInitializer(Initializers.ofFloats("beta", new long[] {8}, Tiny.random(8, 16, 0.1f)))
        .addNode(Tiny.node("MatMul", "mm", List.of("x", "W"), List.of("h")))
        .addNode(Tiny.node("ReduceMean", "mean", List.of("h"), List.of("mu"), axes))
        .addNode(Tiny.node("Sub", "sub", List.of("h", "mu"), List.of("d")))
        .addNode(Tiny.node("Pow", "pow", List.of("d", "two"), List.of("sq")))
        .addNode(Tiny.node("ReduceMean", "var", List.of("sq"), List.of("v"), axes))
        .addNode(Tiny.node("Add", "eps_add", List.of("v", "eps"), List.of("ve")))
        .addNode(Tiny.node("Sqrt", "sqrt", List.of("ve"), List.of("sd")))
        .addNode(Tiny.node("Div", "div", List.of("d", "sd"), List.of("n")))
        .addNode(Tiny.node("Mul", "gamma_mul", List.of("n", "gamma"), List.of("gn")))
        .addNode(Tiny.node("Add", "beta_add", List.of("gn", "beta"), List.of("y")))
        .build();
  }

  private static NodeProto constant(String name, float v) {
    return NodeProto.newBuilder()
        .setOpType("Constant")
        .setName(name)
        .addOutput(name + "_value")
        .addAttribute(
            AttributeProto.newBuilder()
                .setName("value")
                .setType(AttributeProto.AttributeType.TENSOR)
                .setT(Initializers.ofFloats("", new long[0], new float[] {v})))
        .build();
  }

  private static AttributeProto graphAttr(String name, GraphProto g) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.GRAPH)
        .setG(g)
        .build();
  }

  private static TensorProto w(String name, int k, int n, long seed) {
    return Initializers.ofFloats(name, new long[] {k, n}, Tiny.random(k * n, seed, 0.3f));
  }

  private static TensorProto longs(String name, long... v) {
    TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(INT64.getNumber());
    b.addDims(v.length);
    for (long x : v) {
      b.addInt64Data(x);
    }
    return b.build();
  }

  // --- helpers ---

  private static TensorProto init(ModelProto m, String name) {
    return m.getGraph().getInitializerList().stream()
        .filter(t -> t.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no initializer " + name));
  }

  private static NodeProto node(GraphProto g, String name) {
    return g.getNodeList().stream()
        .filter(n -> n.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no node " + name));
  }

  private static NodeProto producer(GraphProto g, String value) {
    return g.getNodeList().stream()
        .filter(n -> n.getOutputList().contains(value))
        .findFirst()
        .orElseThrow(() -> new AssertionError("nothing produces " + value));
  }

  private static long intAttr(NodeProto n, String name) {
    return n.getAttributeList().stream()
        .filter(a -> a.getName().equals(name))
        .findFirst()
        .orElseThrow()
        .getI();
  }

  private static List<Long> castTargets(GraphProto g) {
    return g.getNodeList().stream()
        .filter(n -> n.getOpType().equals("Cast"))
        .map(n -> intAttr(n, "to"))
        .toList();
  }

  private static float[] runIds(ModelProto m, long[] ids, long[] mask) throws OrtException {
    var env = Models.ortEnvironment();
    try (OnnxTensor a = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {2, 3});
        OnnxTensor b = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), new long[] {2, 3})) {
      return BuiltinFidelity.run(m, Map.of("ids", a, "mask", b), false);
    }
  }

  @Test
  void anEmptyBlockListConvertsSoftmaxToo() throws Exception {
    PassResult r = new Fp16Pass(List.of(), true).apply(softmaxModel(), CTX);
    assertEquals(List.of("Cast", "MatMul", "Softmax", "MatMul", "Cast"), Tiny.opTypes(r.model()));
    assertEquals(List.of("mm1", "sm", "mm2"), r.rewritten());
    assertThrows(IllegalArgumentException.class, () -> new Fp16Options(null, List.of(), true));
  }
}
