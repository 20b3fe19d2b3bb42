package dev.infercost.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.infercost.compress.internal.CanonicalizePass;
import dev.infercost.compress.internal.DynamicMatMulPass;
import dev.infercost.compress.internal.Initializers;
import dev.infercost.compress.internal.Ops;
import dev.infercost.models.Half;
import dev.infercost.models.Models;
import dev.infercost.models.OnnxModel;
import dev.infercost.models.Tensor;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CanonicalizePassTest {
  private static final PassContext PLAIN = PassContext.of(NodeFilter.all());

  /** 7-bit weights: exact on every x86 int8 kernel, VNNI or not. */
  private static final QuantOptions QUANT =
      new QuantOptions(NodeFilter.all(), true, true, false, 0);

  @Test
  void matMulWeightBehindConstantTransposeCastIsQuantizedOnlyAfterCanonicalization()
      throws Exception {
    // The exporter's form: W^T as a float16 Constant, transposed, cast to float32.
    int k = 64;
    int n = 32;
    float[] wt = Tiny.random(n * k, 11, 0.2f);
    GraphProto g =
        GraphProto.newBuilder()
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, "batch", k))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, "batch", n))
            .addNode(constant("wt_const", "Wt", Half.tensor("", new long[] {n, k}, wt)))
            .addNode(Tiny.node("Transpose", "wt_t", List.of("Wt"), List.of("W16")))
            .addNode(
                Tiny.node(
                    "Cast",
                    "wt_cast",
                    List.of("W16"),
                    List.of("W"),
                    Tiny.intAttr("to", TensorProto.DataType.FLOAT_VALUE)))
            .addNode(Tiny.node("MatMul", "mm", List.of("x", "W"), List.of("y")))
            .build();
    ModelProto m = Tiny.model(g);

    // Before: the dynamic pass sees no weight.
    PassResult before = new DynamicMatMulPass().apply(m, PLAIN);
    assertEquals(List.of(), before.rewritten());
    assertEquals(List.of("mm: " + Ops.COMPUTED_MATMUL), before.skipped());

    PassResult c = new CanonicalizePass().apply(m, PLAIN);
    assertEquals(List.of("wt_const", "wt_t", "wt_cast"), c.rewritten());
    assertEquals(List.of("MatMul"), Tiny.opTypes(c.model()));
    assertEquals(
        List.of(
            "1 Constant nodes became initializers",
            "2 constant-only nodes folded by ONNX Runtime into 1 initializers"),
        c.notes());
    TensorProto w = Tiny.init(c.model(), "W");
    assertEquals(List.of((long) k, (long) n), w.getDimsList());
    assertEquals(TensorProto.DataType.FLOAT_VALUE, w.getDataType());
    loads(c.model());

    CompressResult r = Compressor.quantizeDynamic(OnnxModel.of(m), QUANT, List.of());
    assertEquals(
        List.of(
            "canonicalize", "int8-dynamic-matmul", "int8-dynamic-attention", "int8-dynamic-lstm"),
        r.passes().stream().map(PassSummary::pass).toList());
    assertEquals(List.of("mm"), r.passes().get(1).rewritten());
    assertTrue(Tiny.opTypes(r.model().proto()).contains("MatMulInteger"));
    closeOnRandomInput(m, r.model().proto(), k);
  }

  /**
   * {@code q} within 3% of {@code m}'s output range on a random [4, k] input: 7-bit weights and
   * 8-bit activations over k = 64 terms.
   */
  private static void closeOnRandomInput(ModelProto m, ModelProto q, int k) throws Exception {
    float[] x = Tiny.random(4 * k, 7, 1f);
    float[] ref = Tiny.run(m, "x", new long[] {4, k}, x);
    double err = Tiny.maxAbsDiff(ref, Tiny.run(q, "x", new long[] {4, k}, x));
    assertTrue(err < 0.03 * Tiny.maxAbs(ref), "error " + err);
  }

  @Test
  void convWeightBehindConstantIdentityIsQuantizedByTheQdqPass() throws Exception {
    float[] kernel = Tiny.random(4 * 3 * 3 * 3, 5, 0.3f);
    GraphProto g =
        GraphProto.newBuilder()
            .addInput(Tiny.value("img", TensorProto.DataType.FLOAT, 1, 3, 8, 8))
            .addOutput(Tiny.value("out", TensorProto.DataType.FLOAT, 1, 4, 6, 6))
            .addNode(
                constant(
                    "k_const", "Kc", Initializers.ofFloats("", new long[] {4, 3, 3, 3}, kernel)))
            .addNode(Tiny.node("Identity", "k_id", List.of("Kc"), List.of("K")))
            .addNode(Tiny.node("Conv", "conv", List.of("img", "K"), List.of("out")))
            .build();
    ModelProto m = Tiny.model(g);
    float[] img = Tiny.random(3 * 8 * 8, 9, 1f);
    List<List<Tensor>> calib =
        List.of(List.of(Tensor.ofFloats("img", new long[] {1, 3, 8, 8}, img)));
    CompressResult r = Compressor.quantizeStatic(OnnxModel.of(m), QuantOptions.defaults(), calib);
    assertEquals(
        List.of("canonicalize", "int8-qdq"), r.passes().stream().map(PassSummary::pass).toList());
    assertEquals(List.of("k_const", "k_id"), r.passes().get(0).rewritten());
    assertEquals(List.of("conv"), r.passes().get(1).rewritten());
    ModelProto q = r.model().proto();
    assertTrue(
        q.getGraph().getInitializerList().stream()
            .anyMatch(t -> t.getDataType() == TensorProto.DataType.INT8_VALUE),
        "an int8 kernel");
    float[] ref = Tiny.run(m, "img", new long[] {1, 3, 8, 8}, img);
    float[] got = Tiny.run(q, "img", new long[] {1, 3, 8, 8}, img);
    // 8-bit activations and weights over 27 terms, calibrated on this very input: within 3%.
    double err = Tiny.maxAbsDiff(ref, got);
    assertTrue(err < 0.03 * Tiny.maxAbs(ref), "error " + err);
  }

  @Test
  void initializersListedAsInputsAreDroppedFromTheInputsAndNamed() throws Exception {
    // IR version 3 lists every initializer as a graph input too.
    ModelProto m = Tiny.matmul(8, 4, 3);
    GraphProto.Builder g = m.getGraph().toBuilder();
    g.addInput(Tiny.value("W", TensorProto.DataType.FLOAT, 8, 4));
    g.addInput(Tiny.value("b", TensorProto.DataType.FLOAT, 4));
    ModelProto old =
        m.toBuilder()
            .setIrVersion(3)
            .clearOpsetImport()
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(8))
            .setGraph(g)
            .build();
    PassResult r = new CanonicalizePass().apply(old, PLAIN);
    assertEquals(
        List.of("x"), r.model().getGraph().getInputList().stream().map(v -> v.getName()).toList());
    assertEquals(2, r.model().getGraph().getInitializerCount(), "initializers kept");
    assertEquals(4, r.model().getIrVersion());
    assertEquals(
        List.of(
            "2 initializers dropped from the graph inputs, where they were overridable (IR 3): W, b",
            "IR version 3 -> 4 (initializers outside the graph inputs)"),
        r.notes());
    assertEquals(List.of(), r.rewritten(), "no node changed");
    loads(r.model());
    float[] x = Tiny.random(2 * 8, 1, 1f);
    assertArrayEquals(
        Tiny.run(old, "x", new long[] {2, 8}, x),
        Tiny.run(r.model(), "x", new long[] {2, 8}, x),
        0f,
        "same outputs, bit for bit");

    // The pipeline's summary carries the note (int8 needs opset 11 or later; float16 does not).
    CompressResult c = Compressor.toFp16(OnnxModel.of(old), Fp16Options.defaults());
    assertEquals(r.notes(), c.passes().get(0).notes());
  }

  private static final String TORCH_LINEAR = "torch.nn.modules.linear";

  /**
   * x → Linear(W, B) → y with Linear a model-local function (MatMul + Add), as PyTorch writes every
   * nn.Linear with {@code export_modules_as_functions}.
   */
  private static ModelProto linearAsFunction(int k, int n) {
    FunctionProto linear =
        FunctionProto.newBuilder()
            .setName("Linear")
            .setDomain(TORCH_LINEAR)
            .addAllInput(List.of("input", "weight", "bias"))
            .addOutput("out")
            .addNode(Tiny.node("MatMul", "mm", List.of("input", "weight"), List.of("t")))
            .addNode(Tiny.node("Add", "add", List.of("t", "bias"), List.of("out")))
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
            .build();
    GraphProto g =
        GraphProto.newBuilder()
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, "batch", k))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, "batch", n))
            .addInitializer(Tiny.floats("W", Tiny.random(k * n, 3, 0.2f), k, n))
            .addInitializer(Tiny.floats("B", Tiny.random(n, 4, 0.1f), n))
            .addNode(
                NodeProto.newBuilder()
                    .setOpType("Linear")
                    .setDomain(TORCH_LINEAR)
                    .setName("fc")
                    .addAllInput(List.of("x", "W", "B"))
                    .addOutput("y"))
            .build();
    return Tiny.model(g).toBuilder()
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(TORCH_LINEAR).setVersion(1))
        .addFunctions(linear)
        .build();
  }

  /** int8-dynamic found no MatMul in {@link #linearAsFunction} ("unchanged") before expansion. */
  @Test
  void matMulInsideALocalFunctionIsQuantizedAfterTheCallIsExpanded() throws Exception {
    int k = 64;
    int n = 32;
    ModelProto m = linearAsFunction(k, n);
    assertEquals(List.of(), new DynamicMatMulPass().apply(m, PLAIN).rewritten());

    PassResult c = new CanonicalizePass().apply(m, PLAIN);
    assertEquals(List.of("MatMul", "Add"), Tiny.opTypes(c.model()));
    assertEquals(
        List.of(
            "1 calls of 1 local functions expanded into their bodies: "
                + TORCH_LINEAR
                + "::Linear ×1"),
        c.notes());
    CompressResult r = Compressor.quantizeDynamic(OnnxModel.of(m), QUANT, List.of());
    assertEquals(List.of("fc/mm"), r.passes().get(1).rewritten());
    assertEquals(0, r.model().proto().getFunctionsCount());
    // --include names a body node as the expansion names it
    QuantOptions only =
        new QuantOptions(new NodeFilter(List.of("fc/mm"), List.of()), true, true, false, 0);
    assertEquals(
        List.of("fc/mm"),
        Compressor.quantizeDynamic(OnnxModel.of(m), only, List.of()).passes().get(1).rewritten());
    closeOnRandomInput(m, r.model().proto(), k);
  }

  /**
   * Calibration observes the expanded graph: the function's MatMul reads the graph input, which no
   * op calibration knows reads before expansion ("no calibrated range for x").
   */
  @Test
  void staticInt8CalibratesInsideLocalFunctions() throws Exception {
    ModelProto m = linearAsFunction(16, 8);
    OnnxModel model = OnnxModel.of(m);
    List<List<Tensor>> batches = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      batches.add(List.of(Tensor.ofFloats("x", new long[] {4, 16}, Tiny.random(64, 40 + i, 1f))));
    }
    CalibrationStats stats = Compressor.calibrate(model, batches);
    CompressResult r = Compressor.quantizeStaticCpu(model, StaticOptions.defaults(), stats);
    List<String> rewritten =
        r.passes().stream()
            .filter(p -> p.pass().equals("int8-static"))
            .findFirst()
            .orElseThrow()
            .rewritten();
    assertEquals(List.of("fc/mm"), rewritten);
  }

  @Test
  void aGraphWithNothingToDoComesBackByteIdentical() throws Exception {
    ModelProto m = Tiny.matmul(16, 8, 2);
    PassResult r = new CanonicalizePass().apply(m, PLAIN);
    assertSame(m, r.model());
    assertArrayEquals(m.toByteArray(), r.model().toByteArray());
    assertEquals(List.of(), r.rewritten());
    assertEquals(List.of(), r.skipped());
    assertEquals(List.of(), r.notes());
  }

  @Test
  void foldingRunsOnnxRuntimeAndMatchesTheUnfoldedModel() throws Exception {
    // An int8 weight dequantized, scaled by Sqrt(2), reshaped through a shape Constant: ops whose
    // math lives only in ONNX Runtime. The Add's bias goes through Erf.
    int k = 6;
    int n = 5;
    byte[] q = new byte[k * n];
    for (int i = 0; i < q.length; i++) {
      q[i] = (byte) (i * 37 % 255 - 127);
    }
    GraphProto g =
        GraphProto.newBuilder()
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, "batch", k))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, "batch", n))
            .addInitializer(
                Initializers.ofBytes("Wq", TensorProto.DataType.INT8, new long[] {k * n}, q))
            .addInitializer(Initializers.ofFloats("Ws", new long[] {}, new float[] {0.01f}))
            .addInitializer(Initializers.ofFloats("two", new long[] {}, new float[] {2f}))
            .addInitializer(Initializers.ofFloats("b0", new long[] {n}, Tiny.random(n, 4, 1f)))
            .addNode(Tiny.node("DequantizeLinear", "dq", List.of("Wq", "Ws"), List.of("Wf")))
            .addNode(Tiny.node("Sqrt", "sqrt", List.of("two"), List.of("s")))
            .addNode(Tiny.node("Mul", "scale", List.of("Wf", "s"), List.of("Wflat")))
            .addNode(constant("shape_const", "shape", Initializers.ofLongs("", new long[] {k, n})))
            .addNode(Tiny.node("Reshape", "reshape", List.of("Wflat", "shape"), List.of("W")))
            .addNode(Tiny.node("Erf", "erf", List.of("b0"), List.of("b")))
            .addNode(Tiny.node("MatMul", "mm", List.of("x", "W"), List.of("h")))
            .addNode(Tiny.node("Add", "add", List.of("h", "b"), List.of("y")))
            .build();
    ModelProto m = Tiny.model(g);
    PassResult r = new CanonicalizePass().apply(m, PLAIN);
    assertEquals(List.of("MatMul", "Add"), Tiny.opTypes(r.model()));
    assertEquals(
        Set.of("W", "b"),
        r.model().getGraph().getInitializerList().stream()
            .map(TensorProto::getName)
            .collect(Collectors.toSet()),
        "the folded values replace what they were computed from");
    loads(r.model());
    float[] x = Tiny.random(3 * k, 8, 1f);
    float[] ref = Tiny.run(m, "x", new long[] {3, k}, x);
    float[] got = Tiny.run(r.model(), "x", new long[] {3, k}, x);
    // The same kernels on the same values, once ahead of time: equal to float32 rounding.
    assertArrayEquals(ref, got, 1e-6f);
  }

  @Test
  void aModelInQdqFormKeepsItsDequantizedWeights() throws Exception {
    // x → Q → DQ → MatMul(DQ(int8 W)): the activation is quantized, so DQ(W) is the model's QDQ
    // form, not a weight to fold (the same DQ without the activation's Q folds, as above).
    int k = 4;
    int n = 3;
    byte[] q = new byte[k * n];
    for (int i = 0; i < q.length; i++) {
      q[i] = (byte) (i * 29 % 255 - 127);
    }
    GraphProto g =
        GraphProto.newBuilder()
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, "batch", k))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, "batch", n))
            .addInitializer(
                Initializers.ofBytes("Wq", TensorProto.DataType.INT8, new long[] {k, n}, q))
            .addInitializer(Initializers.ofFloats("Ws", new long[] {}, new float[] {0.01f}))
            .addInitializer(Initializers.ofFloats("xs", new long[] {}, new float[] {0.02f}))
            .addInitializer(
                Initializers.ofBytes(
                    "xz", TensorProto.DataType.UINT8, new long[] {}, new byte[] {(byte) 128}))
            .addNode(Tiny.node("QuantizeLinear", "qx", List.of("x", "xs", "xz"), List.of("xq")))
            .addNode(Tiny.node("DequantizeLinear", "dqx", List.of("xq", "xs", "xz"), List.of("xd")))
            .addNode(Tiny.node("DequantizeLinear", "dqw", List.of("Wq", "Ws"), List.of("W")))
            .addNode(Tiny.node("MatMul", "mm", List.of("xd", "W"), List.of("y")))
            .build();
    ModelProto m = Tiny.model(g);
    PassResult r = new CanonicalizePass().apply(m, PLAIN);
    assertSame(m, r.model());
    assertEquals(
        List.of(
            "dqw: reads only constants but is a DequantizeLinear of a model in QDQ form"
                + " (activations are quantized); not folded"),
        r.skipped());
  }

  @Test
  void largeValuesStayNodesUnlessAWeightInputReadsThem() throws Exception {
    // ConstantOfShape to 512×512 float32 (1 MiB) from a 16-byte shape: added to x, it stays a
    // node; the same tensor as a MatMul weight is folded, because the passes need it there.
    GraphProto g =
        GraphProto.newBuilder()
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, 512, 512))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, 512, 512))
            .addOutput(Tiny.value("z", TensorProto.DataType.FLOAT, 512, 512))
            .addInitializer(Initializers.ofLongs("shape", new long[] {512, 512}))
            .addNode(fill("big_add", "shape", "B1"))
            .addNode(fill("big_weight", "shape", "B2"))
            .addNode(Tiny.node("Add", "add", List.of("x", "B1"), List.of("y")))
            .addNode(Tiny.node("MatMul", "mm", List.of("x", "B2"), List.of("z")))
            .build();
    PassResult r = new CanonicalizePass().apply(Tiny.model(g), PLAIN);
    assertEquals(List.of("big_weight"), r.rewritten());
    assertEquals(List.of("ConstantOfShape", "Add", "MatMul"), Tiny.opTypes(r.model()));
    assertEquals(1, r.skipped().size(), r.skipped().toString());
    assertTrue(
        r.skipped()
            .get(0)
            .startsWith(
                "big_add: its value would be a large tensor computed from far fewer bytes of"
                    + " constants"),
        r.skipped().toString());
    loads(r.model());
  }

  @Test
  void aFewBytesBlownUpStayANodeEvenUnderTheSmallBound() throws Exception {
    // 32 KiB of zeros from a 16-byte shape (BlazeFace pads channels this way, 11 times) stays a
    // node; 1 KiB from the same 16 bytes is small enough to store.
    GraphProto g =
        GraphProto.newBuilder()
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, 64, 128))
            .addInput(Tiny.value("v", TensorProto.DataType.FLOAT, 16, 16))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, 64, 128))
            .addOutput(Tiny.value("w", TensorProto.DataType.FLOAT, 16, 16))
            .addInitializer(Initializers.ofLongs("shape", new long[] {64, 128}))
            .addInitializer(Initializers.ofLongs("small", new long[] {16, 16}))
            .addNode(fill("zeros", "shape", "Z"))
            .addNode(fill("few", "small", "F"))
            .addNode(Tiny.node("Add", "add", List.of("x", "Z"), List.of("y")))
            .addNode(Tiny.node("Add", "add2", List.of("v", "F"), List.of("w")))
            .build();
    PassResult r = new CanonicalizePass().apply(Tiny.model(g), PLAIN);
    assertEquals(List.of("few"), r.rewritten());
    assertEquals(List.of("ConstantOfShape", "Add", "Add"), Tiny.opTypes(r.model()));
    loads(r.model());
  }

  @Test
  void randomOpsAndConstantsItCannotReadStayNodesWithTheReason() throws Exception {
    AttributeProto strings =
        AttributeProto.newBuilder()
            .setName("value_strings")
            .setType(AttributeProto.AttributeType.STRINGS)
            .addStrings(com.google.protobuf.ByteString.copyFromUtf8("a"))
            .build();
    GraphProto g =
        GraphProto.newBuilder()
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, 2, 3))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, 2, 3))
            .addOutput(Tiny.value("s", TensorProto.DataType.STRING, 1))
            .addNode(Tiny.node("Constant", "strs", List.of(), List.of("s0"), strings))
            .addNode(Tiny.node("Identity", "s_id", List.of("s0"), List.of("s")))
            .addNode(
                Tiny.node(
                    "RandomNormal", "noise", List.of(), List.of("r"), Tiny.ints("shape", 2, 3)))
            .addNode(Tiny.node("Add", "add", List.of("x", "r"), List.of("y")))
            .build();
    PassResult r = new CanonicalizePass().apply(Tiny.model(g), PLAIN);
    assertEquals(
        List.of(
            "strs: holds a sparse or string value; stays a Constant node",
            "noise: reads only constants but is not deterministic; not folded"),
        r.skipped());
    assertEquals(List.of(), r.rewritten());
    loads(r.model());
  }

  @Test
  void constantsInsideSubgraphsBecomeInitializersThereAndIsIdempotent() throws Exception {
    GraphProto branch =
        GraphProto.newBuilder()
            .setName("then")
            .addOutput(Tiny.value("t", TensorProto.DataType.FLOAT, 2))
            .addNode(
                constant(
                    "inner", "t0", Initializers.ofFloats("", new long[] {2}, new float[] {1, 2})))
            .addNode(Tiny.node("Identity", "inner_id", List.of("t0"), List.of("t")))
            .build();
    GraphProto other =
        branch.toBuilder()
            .setName("else")
            .setNode(
                0,
                constant(
                    "inner2", "t0", Initializers.ofFloats("", new long[] {2}, new float[] {3, 4})))
            .build();
    GraphProto g =
        GraphProto.newBuilder()
            .addInput(Tiny.value("c", TensorProto.DataType.BOOL))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, 2))
            .addNode(
                Tiny.node(
                    "If",
                    "if",
                    List.of("c"),
                    List.of("y"),
                    Tiny.graphAttr("then_branch", branch),
                    Tiny.graphAttr("else_branch", other)))
            .build();
    ModelProto m = Tiny.model(g);
    PassResult r = new CanonicalizePass().apply(m, PLAIN);
    assertEquals(List.of("inner", "inner2"), r.rewritten());
    GraphProto then = r.model().getGraph().getNode(0).getAttribute(0).getG();
    assertEquals(
        List.of("Identity"), then.getNodeList().stream().map(NodeProto::getOpType).toList());
    assertEquals("t0", then.getInitializer(0).getName());
    loads(r.model());

    PassResult twice = new CanonicalizePass().apply(r.model(), PLAIN);
    assertSame(r.model(), twice.model());
    assertEquals(List.of(), twice.notes());
  }

  private static NodeProto constant(String name, String out, TensorProto value) {
    return Tiny.node("Constant", name, List.of(), List.of(out), Tiny.tensorAttr("value", value));
  }

  /** ConstantOfShape filled with 0.5. */
  private static NodeProto fill(String name, String shape, String out) {
    TensorProto half = Initializers.ofFloats("", new long[] {1}, new float[] {0.5f});
    return Tiny.node(
        "ConstantOfShape", name, List.of(shape), List.of(out), Tiny.tensorAttr("value", half));
  }

  /** ONNX Runtime loads {@code m}. */
  private static void loads(ModelProto m) throws OrtException {
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        OrtSession s = Models.ortEnvironment().createSession(m.toByteArray(), o)) {
      assertTrue(s.getNumOutputs() > 0);
    }
  }
}
