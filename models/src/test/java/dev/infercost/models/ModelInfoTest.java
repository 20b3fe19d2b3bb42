package dev.infercost.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link ModelInfo}: interface, histogram, parameters and MAC counts against hand computation. */
class ModelInfoTest {
  private static ModelInfo info(ModelProto p, Map<String, long[]> shapes) {
    return OnnxModel.of(p).info(shapes);
  }

  @Test
  void matmulWithConcreteShapeCountsMacs() {
    ModelInfo i = info(TestModels.matmulAdd(), Map.of("x", new long[] {2, 4}));
    // [2,4] x [4,3]: 2 · 3 outputs, 4 MACs each.
    assertEquals(2L * 3 * 4, i.macs());
    assertEquals(24L, i.macs());
    assertEquals(48L, i.flops());
    assertEquals(Map.of("MatMul", 24L), i.macsByOp());
    assertEquals(List.of(), i.unknownMacNodes());
    assertEquals(Map.of("x", List.of(2L, 4L)), i.shapesUsed());
  }

  /**
   * ONNX Runtime's fused encoder layer: ids [b, s] → EmbedLayerNormalization (table [vocab, h]) →
   * Attention (weight [h, 3h]) → SkipLayerNormalization → MatMul (weight [h, 2h]).
   */
  @Test
  void aFusedEncoderLayerHasShapesAndCountsItsAttentionMacs() {
    int h = 8;
    GraphProto.Builder g =
        GraphProto.newBuilder()
            .addInput(
                TestModels.floatInput("ids", "b", "s").toBuilder()
                    .setType(
                        ai.onnx.proto.OnnxMl.TypeProto.newBuilder()
                            .setTensorType(
                                ai.onnx.proto.OnnxMl.TypeProto.Tensor.newBuilder()
                                    .setElemType(TensorProto.DataType.INT32_VALUE)
                                    .setShape(
                                        TestModels.floatInput("ids", "b", "s")
                                            .getType()
                                            .getTensorType()
                                            .getShape()))))
            .addOutput(TestModels.floatInput("y", "b", "s", 2 * h))
            .addInitializer(TestModels.floatTensor("word", new long[] {50, h}, new float[50 * h]))
            .addInitializer(TestModels.floatTensor("pos", new long[] {16, h}, new float[16 * h]))
            .addInitializer(TestModels.floatTensor("g", new long[] {h}, new float[h]))
            .addInitializer(TestModels.floatTensor("be", new long[] {h}, new float[h]))
            .addInitializer(
                TestModels.floatTensor("w", new long[] {h, 3 * h}, new float[3 * h * h]))
            .addInitializer(TestModels.floatTensor("bias", new long[] {3 * h}, new float[3 * h]))
            .addInitializer(
                TestModels.floatTensor("w2", new long[] {h, 2 * h}, new float[2 * h * h]))
            .addNode(
                contrib(
                    "EmbedLayerNormalization",
                    List.of("ids", "", "word", "pos", "", "g", "be"),
                    List.of("e", "mask")))
            .addNode(
                contrib("Attention", List.of("e", "w", "bias", "mask"), List.of("a")).toBuilder()
                    .addAttribute(TestModels.intAttr("num_heads", 2)))
            .addNode(contrib("SkipLayerNormalization", List.of("a", "e", "g", "be"), List.of("n")))
            .addNode(TestModels.node("MatMul", "ffn", List.of("n", "w2"), List.of("y")));
    ModelInfo i = info(TestModels.model(g), Map.of("ids", new long[] {2, 5}));
    long tokens = 2 * 5;
    long attention = tokens * h * 3 * h + 2 * tokens * 5 * h; // projection, then QKᵀ and ·V
    long ffn = tokens * h * 2 * h;
    assertEquals(Map.of("Attention", attention, "MatMul", ffn), i.macsByOp());
    assertEquals(attention + ffn, i.macs());
  }

  private static NodeProto contrib(String op, List<String> in, List<String> out) {
    return TestModels.node(op, op, in, out).toBuilder().setDomain("com.microsoft").build();
  }

  @Test
  void macsScaleWithBatch() {
    ModelInfo i = info(TestModels.matmulAdd(), Map.of("x", new long[] {7, 4}));
    assertEquals(7L * 3 * 4, i.macs());
  }

  @Test
  void symbolicBatchWithoutShapeGivesUnknownMacs() {
    ModelInfo i = info(TestModels.matmulAdd(), Map.of());
    assertNull(i.macs());
    assertNull(i.flops());
    assertEquals(List.of(TestModels.MATMUL_NODE), i.unknownMacNodes());
    assertEquals(Map.of(), i.macsByOp());
    assertEquals(Map.of(), i.shapesUsed());
  }

  @Test
  void unnamedUnknownNodeIsListedByOpType() {
    ModelProto m = TestModels.matmulAdd();
    GraphProto g =
        m.getGraph().toBuilder()
            .setNode(0, m.getGraph().getNode(0).toBuilder().clearName())
            .build();
    ModelInfo i = info(m.toBuilder().setGraph(g).build(), Map.of());
    assertEquals(List.of("MatMul"), i.unknownMacNodes());
  }

  @Test
  void inputsShowSymbolicDimsByName() {
    ModelInfo i = info(TestModels.matmulAdd(), Map.of());
    assertEquals(1, i.inputs().size());
    TensorSpec x = i.inputs().get(0);
    assertEquals("x", x.name());
    assertEquals(DType.FLOAT32, x.dtype());
    assertEquals(List.of(Dim.symbolic("batch"), Dim.fixed(4)), x.dims());
    assertEquals("[batch,4]", x.shapeString());
    assertEquals(
        List.of(new TensorSpec("y", DType.FLOAT32, List.of(Dim.symbolic("batch"), Dim.fixed(3)))),
        i.outputs());
  }

  @Test
  void initializersListedAsInputsAreNotInputs() {
    ModelProto m =
        TestModels.matmulAdd(
            TestModels.floatTensor("W", new long[] {4, 3}, TestModels.MATMUL_W), true);
    ModelInfo i = info(m, Map.of("x", new long[] {2, 4}));
    assertEquals(List.of("x"), i.inputs().stream().map(TensorSpec::name).toList());
    assertEquals(24L, i.macs());
  }

  @Test
  void headerFacts() {
    ModelInfo i = info(TestModels.matmulAdd(), Map.of());
    assertEquals(8, i.irVersion());
    assertEquals(13, i.opset());
    assertEquals(TestModels.PRODUCER + " " + TestModels.PRODUCER_VERSION, i.producer());
    assertEquals("<memory>", i.file());
    assertEquals(0, i.fileBytes());
    assertEquals(2, i.nodes());
    assertEquals(Map.of("MatMul", 1, "Add", 1), i.ops());
  }

  @Test
  void convMacsFollowTheFormula() {
    ModelInfo i = info(TestModels.conv(), Map.of());
    long expected =
        TestModels.CONV_N
            * TestModels.CONV_C_OUT
            * TestModels.CONV_H_OUT
            * TestModels.CONV_H_OUT
            * (TestModels.CONV_C_IN / TestModels.CONV_GROUP)
            * TestModels.CONV_K
            * TestModels.CONV_K;
    assertEquals(5400L, expected);
    assertEquals(expected, i.macs());
    assertEquals(Map.of("Conv", expected), i.macsByOp());
    // Fixed input dims are used without being pinned.
    assertEquals(Map.of("x", List.of(2L, 4L, 10L, 10L)), i.shapesUsed());
    assertEquals(Map.of("Conv", 1), i.ops());
    // W [6,2,3,3] + B [6]
    assertEquals(6L * 2 * 3 * 3 + 6, i.parameters());
  }

  @Test
  void convWithAutoPadSameUpper() {
    ModelProto m = TestModels.conv();
    NodeProto conv = m.getGraph().getNode(0);
    NodeProto.Builder nb = conv.toBuilder().clearAttribute();
    for (var a : conv.getAttributeList()) {
      if (!a.getName().equals("pads")) {
        nb.addAttribute(a);
      }
    }
    nb.addAttribute(
        ai.onnx.proto.OnnxMl.AttributeProto.newBuilder()
            .setName("auto_pad")
            .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.STRING)
            .setS(com.google.protobuf.ByteString.copyFromUtf8("SAME_UPPER")));
    ModelProto same = m.toBuilder().setGraph(m.getGraph().toBuilder().setNode(0, nb)).build();
    // SAME: out = ceil(10 / 2) = 5, as with pad 1.
    assertEquals(TestModels.convMacs(), info(same, Map.of()).macs());
  }

  @Test
  void gemmWithTransposedOperands() {
    // A is [K=4, M=5] (transA), B is [N=3, K=4] (transB): Y [5,3], 4 MACs each.
    NodeProto gemm =
        TestModels.node("Gemm", "gemm", List.of("a", "B"), List.of("y")).toBuilder()
            .addAttribute(TestModels.intAttr("transA", 1))
            .addAttribute(TestModels.intAttr("transB", 1))
            .build();
    ModelProto m =
        TestModels.model(
            GraphProto.newBuilder()
                .setName("gemm")
                .addInput(TestModels.floatInput("a", 4, "m"))
                .addOutput(TestModels.floatInput("y", "m", 3))
                .addInitializer(TestModels.floatTensor("B", new long[] {3, 4}, new float[12]))
                .addNode(gemm));
    assertEquals(5L * 3 * 4, info(m, Map.of("a", new long[] {4, 5})).macs());
    assertNull(info(m, Map.of()).macs());
  }

  @Test
  void batchedMatMulBroadcastsTheWeight() {
    ModelProto m =
        TestModels.model(
            GraphProto.newBuilder()
                .setName("bmm")
                .addInput(TestModels.floatInput("x", "b", "s", 4))
                .addOutput(TestModels.floatInput("y", "b", "s", 3))
                .addInitializer(TestModels.floatTensor("W", new long[] {4, 3}, TestModels.MATMUL_W))
                .addNode(TestModels.node("MatMul", "mm", List.of("x", "W"), List.of("y"))));
    // [2,5,4] x [4,3] -> [2,5,3], 4 MACs each.
    assertEquals(2L * 5 * 3 * 4, info(m, Map.of("x", new long[] {2, 5, 4})).macs());
  }

  private static TensorProto scalar(String name, int dataType) {
    return TensorProto.newBuilder()
        .setName(name)
        .setDataType(dataType)
        .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[8]))
        .build();
  }

  private static ValueInfoProto u8Input(String name, long... dims) {
    ValueInfoProto v = TestModels.floatInput(name, java.util.Arrays.stream(dims).boxed().toArray());
    return v.toBuilder()
        .setType(
            v.getType().toBuilder()
                .setTensorType(
                    v.getType().getTensorType().toBuilder()
                        .setElemType(TensorProto.DataType.UINT8_VALUE)))
        .build();
  }

  private static TensorProto u8Tensor(String name, long... dims) {
    TensorProto.Builder t =
        TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.UINT8_VALUE);
    long n = 1;
    for (long d : dims) {
      t.addDims(d);
      n *= d;
    }
    return t.setRawData(com.google.protobuf.ByteString.copyFrom(new byte[(int) n])).build();
  }

  @Test
  void integerAndQLinearFormsCountMacs() {
    int f = TensorProto.DataType.FLOAT_VALUE;
    int u8 = TensorProto.DataType.UINT8_VALUE;
    ModelProto m =
        TestModels.model(
            GraphProto.newBuilder()
                .setName("quant")
                .addInput(u8Input("a", 2, 4))
                .addInput(u8Input("img", 1, 2, 6, 6))
                .addOutput(TestModels.floatInput("y1", 2, 3))
                .addOutput(TestModels.floatInput("y2", 2, 3))
                .addOutput(TestModels.floatInput("y3", 1, 4, 4, 4))
                .addInitializer(u8Tensor("B", 4, 3))
                .addInitializer(u8Tensor("Wc", 4, 2, 3, 3))
                .addInitializer(scalar("s", f))
                .addInitializer(scalar("z", u8))
                .addNode(TestModels.node("MatMulInteger", "mmi", List.of("a", "B"), List.of("y1")))
                .addNode(
                    TestModels.node(
                        "QLinearMatMul",
                        "qmm",
                        List.of("a", "s", "z", "B", "s", "z", "s", "z"),
                        List.of("y2")))
                .addNode(
                    TestModels.node(
                        "QLinearConv",
                        "qconv",
                        List.of("img", "s", "z", "Wc", "s", "z", "s", "z"),
                        List.of("y3"))));
    ModelInfo i = info(m, Map.of());
    assertEquals(List.of(), i.unknownMacNodes());
    // [2,4]x[4,3] twice; conv 2→4 channels, 3x3, no pad on 6x6 → 4x4: 1·4·4·4·2·3·3.
    assertEquals(
        Map.of("MatMulInteger", 24L, "QLinearMatMul", 24L, "QLinearConv", 1152L), i.macsByOp());
    assertEquals(24L + 24 + 1152, i.macs());
    assertEquals(24L + 24 + 1152, i.int8Macs(), "integer ops multiply in int8");
  }

  @Test
  void parametersByDtype() {
    ModelInfo i = info(TestModels.mixedDtypes(), Map.of("x", new long[] {2, 4}));
    assertEquals(4, i.initializers());
    assertEquals(
        Map.of(
            "float32", new ModelInfo.DTypeStats(2, 15, 60),
            "float16", new ModelInfo.DTypeStats(1, 3, 6),
            "int64", new ModelInfo.DTypeStats(1, 2, 16)),
        i.byDtype());
    assertEquals(15 + 3 + 2, i.parameters());
    assertEquals(60 + 6 + 16, i.parameterBytes());
    assertEquals(Map.of("MatMul", 1, "Add", 2, "Cast", 1, "Reshape", 1), i.ops());
    assertEquals(5, i.nodes());
    assertEquals(24L, i.macs());
  }

  @Test
  void mapsIterateInKeyOrder() {
    List<String> unary =
        List.of(
            "Relu",
            "Sigmoid",
            "Tanh",
            "Abs",
            "Neg",
            "Exp",
            "Log",
            "Sqrt",
            "Floor",
            "Ceil",
            "Round",
            "Sign",
            "Identity",
            "Erf");
    GraphProto.Builder g =
        GraphProto.newBuilder()
            .setName("chain")
            .addInput(TestModels.floatInput("v0", 2))
            .addOutput(TestModels.floatInput("v" + unary.size(), 2));
    for (int k = 0; k < unary.size(); k++) {
      g.addNode(TestModels.node(unary.get(k), "n" + k, List.of("v" + k), List.of("v" + (k + 1))));
    }
    ModelInfo i = info(TestModels.model(g), Map.of());
    assertEquals(
        new java.util.TreeMap<>(i.ops()).keySet().stream().toList(), List.copyOf(i.ops().keySet()));
  }

  @Test
  void unknownShapeNameIsIgnoredForMacs() {
    ModelInfo i = info(TestModels.matmulAdd(), Map.of("not_an_input", new long[] {1}));
    assertNull(i.macs());
  }

  @Test
  void infoIsImmutable() {
    ModelInfo i = info(TestModels.matmulAdd(), Map.of());
    assertThrowsUoe(() -> i.ops().put("X", 1));
    assertThrowsUoe(() -> i.inputs().clear());
  }

  private static void assertThrowsUoe(Runnable r) {
    org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class, r::run);
  }

  /** MACs of the bundled CNN from its architecture (see models/fixtures/README.md). */
  static long digitsCnnMacs(long n) {
    long conv1 = n * 8 * 8 * 8 * (1 * 3 * 3); // Conv 1→8, 3x3, pad 1: 8x8 output
    long conv2 = n * 16 * 8 * 8 * (8 * 3 * 3); // Conv 8→16, 3x3, pad 1: 8x8 output
    long fc1 = n * 32 * 256; // MaxPool 2 → 16·4·4 = 256 → Gemm 256→32
    long fc2 = n * 10 * 32; // Gemm 32→10
    return conv1 + conv2 + fc1 + fc2;
  }

  @ParameterizedTest
  @CsvSource({"1", "4"})
  void digitsCnnMacsMatchItsArchitecture(long n) throws Exception {
    Path file = Models.resolve("digits-cnn", ModelFormat.ONNX);
    ModelInfo i = Models.loadOnnx(file).info(Map.of("input", new long[] {n, 1, 8, 8}));
    assertEquals(digitsCnnMacs(n), i.macs());
    assertEquals(n * (4608 + 73728), i.macsByOp().get("Conv"));
    assertEquals(n * (8192 + 320), i.macsByOp().get("Gemm"));
    assertEquals(Map.of("Conv", 2, "Relu", 3, "MaxPool", 1, "Flatten", 1, "Gemm", 2), i.ops());
    assertEquals(9802, i.parameters());
    assertEquals(9802L * 4, i.parameterBytes());
    assertEquals(Files.size(file), i.fileBytes());
    assertEquals(file.toString(), i.file());
    assertEquals("[batch,1,8,8]", i.inputs().get(0).shapeString());
  }

  @Test
  void digitsCnnHandValue() {
    assertEquals(86_848L, digitsCnnMacs(1));
  }

  @Test
  void digitsMlpMacs() throws Exception {
    ModelInfo i =
        Models.loadOnnx(Models.resolve("digits-mlp", ModelFormat.ONNX))
            .info(Map.of("input", new long[] {3, 64}));
    assertEquals(3L * (64 * 64 + 64 * 10), i.macs());
    assertEquals(4810, i.parameters());
    assertEquals(19240, i.parameterBytes());
  }

  /** 6 layers × (Q,K,V,O projections + FFN up/down + QKᵀ and attention·V). */
  static long miniLmFormula(long batch, long seq) {
    long hidden = 384;
    long ffn = 1536;
    long perLayer = 4 * seq * hidden * hidden + 2 * seq * hidden * ffn + 2 * seq * seq * hidden;
    return 6 * batch * perLayer;
  }

  @Test
  void miniLmFormulaValue() {
    assertEquals(1_434_451_968L, miniLmFormula(1, 128));
  }

  @Tag("slow")
  @ParameterizedTest
  @CsvSource({"1, 128", "2, 64"})
  void miniLmMacs(long batch, long seq) throws Exception {
    OnnxModel m = Models.loadOnnx(Models.resolve("minilm-l6", ModelFormat.ONNX));
    long[] s = {batch, seq};
    ModelInfo i = m.info(Map.of("input_ids", s, "attention_mask", s, "token_type_ids", s));
    assertEquals(List.of(), i.unknownMacNodes());
    assertEquals(miniLmFormula(batch, seq), i.macs());
    if (batch == 1 && seq == 128) {
      assertEquals(1_434_451_968L, i.macs());
    }
    assertEquals(
        List.of("input_ids", "attention_mask", "token_type_ids"),
        i.inputs().stream().map(TensorSpec::name).toList());
    for (TensorSpec in : i.inputs()) {
      assertEquals(DType.INT64, in.dtype());
      assertTrue(in.dims().stream().noneMatch(Dim::isFixed), in.shapeString());
    }
    assertNull(m.info(Map.of()).macs());
  }

  @Test
  void mapsGivenToTheConstructorIterateInKeyOrder() {
    Map<String, Integer> ops = new java.util.LinkedHashMap<>();
    ops.put("Relu", 1);
    ops.put("Add", 2);
    ops.put("MatMul", 3);
    Map<String, ModelInfo.DTypeStats> byDtype = new java.util.LinkedHashMap<>();
    byDtype.put("int8", new ModelInfo.DTypeStats(1, 1, 1));
    byDtype.put("float32", new ModelInfo.DTypeStats(2, 2, 8));
    Map<String, List<Long>> shapes = new java.util.LinkedHashMap<>();
    shapes.put("z", List.of(1L));
    shapes.put("a", List.of(2L));
    Map<String, Long> macsByOp = new java.util.LinkedHashMap<>();
    macsByOp.put("MatMul", 5L);
    macsByOp.put("Gemm", 7L);
    ModelInfo i =
        new ModelInfo(
            "f",
            0,
            8,
            13,
            "p",
            List.of(),
            List.of(),
            6,
            ops,
            3,
            3,
            9,
            byDtype,
            new ModelInfo.DTypeStats(0, 0, 0),
            shapes,
            12L,
            macsByOp,
            List.of(),
            List.of(),
            0,
            Map.of());
    assertEquals(List.of("Add", "MatMul", "Relu"), List.copyOf(i.ops().keySet()));
    assertEquals(List.of("float32", "int8"), List.copyOf(i.byDtype().keySet()));
    assertEquals(List.of("a", "z"), List.copyOf(i.shapesUsed().keySet()));
    assertEquals(List.of("Gemm", "MatMul"), List.copyOf(i.macsByOp().keySet()));
    assertEquals(ops, i.ops());
    assertThrowsUoe(() -> i.shapesUsed().get("a").add(3L));
    assertThrowsUoe(() -> i.byDtype().clear());
  }

  @Test
  void subgraphsAreCountedAndTheirMacsAreNotAGuess() {
    // y = If(c, then: x·W (W in the main graph) + b (in the branch), else: x)
    GraphProto then =
        GraphProto.newBuilder()
            .addOutput(TestModels.floatInput("y_then", 2, 4))
            .addInitializer(TestModels.floatTensor("b", new long[] {4}, new float[4]))
            .addNode(TestModels.node("MatMul", "mm", List.of("x", "W"), List.of("h")))
            .addNode(TestModels.node("Add", "add", List.of("h", "b"), List.of("y_then")))
            .addNode(
                TestModels.node("Constant", "k", List.of(), List.of("k")).toBuilder()
                    .addAttribute(
                        ai.onnx.proto.OnnxMl.AttributeProto.newBuilder()
                            .setName("value")
                            .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.TENSOR)
                            .setT(TestModels.floatTensor("k", new long[] {2, 2}, new float[4])))
                    .build())
            .build();
    GraphProto otherwise =
        GraphProto.newBuilder()
            .addOutput(TestModels.floatInput("y_else", 2, 3))
            .addNode(TestModels.node("Identity", "id", List.of("x"), List.of("y_else")))
            .build();
    NodeProto branch =
        TestModels.node("If", "if", List.of("c"), List.of("y")).toBuilder()
            .addAttribute(TestModels.graphAttr("then_branch", then))
            .addAttribute(TestModels.graphAttr("else_branch", otherwise))
            .build();
    ModelProto p =
        TestModels.model(
            GraphProto.newBuilder()
                .addInput(TestModels.floatInput("x", 2L, 3L))
                .addInput(
                    ValueInfoProto.newBuilder()
                        .setName("c")
                        .setType(
                            ai.onnx.proto.OnnxMl.TypeProto.newBuilder()
                                .setTensorType(
                                    ai.onnx.proto.OnnxMl.TypeProto.Tensor.newBuilder()
                                        .setElemType(TensorProto.DataType.BOOL_VALUE))))
                .addOutput(TestModels.floatInput("y"))
                .addInitializer(TestModels.floatTensor("W", new long[] {3, 4}, new float[12]))
                .addNode(branch));
    ModelInfo i = OnnxModel.of(p).info(Map.of());
    assertEquals(5, i.nodes());
    assertEquals(Map.of("Add", 1, "Constant", 1, "Identity", 1, "If", 1, "MatMul", 1), i.ops());
    assertEquals(2, i.initializers());
    assertEquals(16, i.parameters());
    assertEquals(new ModelInfo.DTypeStats(1, 4, 16), i.constants());
    assertEquals(List.of("mm"), i.branchMacNodes());
    assertNull(i.macs(), "which branch runs depends on c");
  }

  /** A float value info whose type has no shape at all (any rank). */
  private static ValueInfoProto shapelessFloat(String name) {
    ValueInfoProto v = TestModels.floatInput(name);
    return v.toBuilder()
        .setType(
            v.getType().toBuilder()
                .setTensorType(v.getType().getTensorType().toBuilder().clearShape()))
        .build();
  }

  @Test
  void scalarInputsAreToldApartFromShapelessOnes() {
    ValueInfoProto scalar = TestModels.floatInput("s"); // a shape with no dims
    assertTrue(scalar.getType().getTensorType().hasShape());
    ModelProto m =
        TestModels.model(
            GraphProto.newBuilder()
                .setName("scale")
                .addInput(scalar)
                .addInput(shapelessFloat("u"))
                .addOutput(shapelessFloat("y"))
                .addNode(TestModels.node("Mul", "mul", List.of("s", "u"), List.of("y"))));
    ModelInfo i = info(m, Map.of());
    assertEquals(TensorSpec.scalar("s", DType.FLOAT32), i.inputs().get(0));
    assertEquals(new TensorSpec("u", DType.FLOAT32, List.of(), false), i.inputs().get(1));
    assertEquals(new TensorSpec("y", DType.FLOAT32, List.of(), false), i.outputs().get(0));
    // The scalar's shape is known, the shapeless input's is not.
    assertEquals(Map.of("s", List.of()), i.shapesUsed());
    assertEquals("[]", i.inputs().get(0).shapeString());
    assertEquals("(shape not declared)", i.inputs().get(1).shapeString());
  }
}
