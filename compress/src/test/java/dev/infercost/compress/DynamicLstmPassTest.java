package dev.infercost.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.infercost.compress.internal.Initializers;
import dev.infercost.models.OnnxModel;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DynamicLstmPassTest {
  private static final int SEQ = 6;
  private static final int BATCH = 2;
  private static final int IN = 24;
  private static final int HIDDEN = 32;
  private static final long[] X_SHAPE = {SEQ, BATCH, IN};

  /** One LSTM, {@code dirs} directions, random weights and bias, x [seq, batch, in] → Y. */
  private static ModelProto lstm(int dirs, AttributeProto... extra) {
    AttributeProto direction =
        AttributeProto.newBuilder()
            .setName("direction")
            .setType(AttributeProto.AttributeType.STRING)
            .setS(ByteString.copyFromUtf8(dirs == 2 ? "bidirectional" : "forward"))
            .build();
    List<AttributeProto> attrs =
        new java.util.ArrayList<>(List.of(Tiny.intAttr("hidden_size", HIDDEN), direction));
    attrs.addAll(List.of(extra));
    GraphProto g =
        GraphProto.newBuilder()
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, SEQ, BATCH, IN))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, SEQ, dirs, BATCH, HIDDEN))
            .addInitializer(
                Initializers.ofFloats(
                    "W",
                    new long[] {dirs, 4 * HIDDEN, IN},
                    Tiny.random(dirs * 4 * HIDDEN * IN, 1, 0.3f)))
            .addInitializer(
                Initializers.ofFloats(
                    "R",
                    new long[] {dirs, 4 * HIDDEN, HIDDEN},
                    Tiny.random(dirs * 4 * HIDDEN * HIDDEN, 2, 0.3f)))
            .addInitializer(
                Initializers.ofFloats(
                    "B", new long[] {dirs, 8 * HIDDEN}, Tiny.random(dirs * 8 * HIDDEN, 3, 0.1f)))
            .addNode(
                Tiny.node(
                    "LSTM",
                    "rnn",
                    List.of("x", "W", "R", "B"),
                    List.of("y"),
                    attrs.toArray(AttributeProto[]::new)))
            .build();
    return Tiny.model(g);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"forward, per channel", "bidirectional, per channel", "bidirectional, per tensor"})
  void anLstmRunsOnInt8WeightsInOrtsDynamicKernel(String how) throws Exception {
    ModelProto m = lstm(how.startsWith("bi") ? 2 : 1);
    QuantOptions o = QuantOptions.defaults();
    o = new QuantOptions(o.filter(), how.endsWith("channel"), o.reducedRange(), true, 0);
    CompressResult r = Compressor.quantizeDynamic(OnnxModel.of(m), o, List.of());
    ModelProto q = r.model().proto();
    assertEquals(List.of("DynamicQuantizeLSTM"), Tiny.opTypes(q));
    assertEquals(
        "com.microsoft", q.getGraph().getNode(0).getDomain(), "ONNX Runtime's contrib domain");
    assertTrue(
        q.getOpsetImportList().stream()
            .anyMatch(i -> i.getDomain().equals("com.microsoft") && i.getVersion() == 1));
    PassSummary lstm =
        r.passes().stream()
            .filter(p -> p.pass().equals("int8-dynamic-lstm"))
            .findFirst()
            .orElseThrow();
    assertEquals(List.of("rnn"), lstm.rewritten());
    int dirs = how.startsWith("bi") ? 2 : 1;
    assertEquals(
        List.of(
            List.of((long) dirs, (long) IN, 4L * HIDDEN),
            List.of((long) dirs, (long) HIDDEN, 4L * HIDDEN)),
        q.getGraph().getInitializerList().stream()
            .filter(
                t -> t.getDataType() == TensorProto.DataType.INT8_VALUE && t.getDimsCount() == 3)
            .map(TensorProto::getDimsList)
            .toList(),
        "int8 weights, transposed");
    assertTrue(
        q.getGraph().getInitializerList().stream().noneMatch(t -> t.getName().equals("W")),
        "the float weights are gone");
    List<Long> scaleDims =
        how.endsWith("channel") ? List.of((long) dirs, 4L * HIDDEN) : List.of((long) dirs);
    for (int i : new int[] {8, 10}) {
      String scale = q.getGraph().getNode(0).getInput(i);
      assertEquals(scaleDims, Tiny.init(q, scale).getDimsList(), how + ": " + scale);
    }
    float[] x = Tiny.random(SEQ * BATCH * IN, 7, 1f);
    float[] ref = Tiny.run(m, "x", X_SHAPE, x);
    float[] got = Tiny.run(q, "x", X_SHAPE, x);
    // Measured 0.9998-0.9999 at 8-bit weights over 24 + 32 terms per gate.
    assertTrue(Tiny.cosine(ref, got) > 0.999, how + ": cosine " + Tiny.cosine(ref, got));
    assertTrue(Tiny.maxAbsDiff(ref, got) < 0.05, how + ": error " + Tiny.maxAbsDiff(ref, got));
  }

  @Test
  void initialStatesSequenceLengthsAndTheLastStatesKeepTheirPlaces() throws Exception {
    // X, W, R, B, sequence_lens, initial_h, initial_c; outputs Y, Y_h, Y_c.
    ModelProto base = lstm(2);
    GraphProto.Builder g = base.getGraph().toBuilder();
    g.addInitializer(
        TensorProto.newBuilder()
            .setName("lens")
            .setDataType(TensorProto.DataType.INT32_VALUE)
            .addDims(BATCH)
            .addInt32Data(SEQ)
            .addInt32Data(SEQ - 2));
    g.addInitializer(
        Initializers.ofFloats(
            "h0", new long[] {2, BATCH, HIDDEN}, Tiny.random(2 * BATCH * HIDDEN, 4, 0.5f)));
    g.addInitializer(
        Initializers.ofFloats(
            "c0", new long[] {2, BATCH, HIDDEN}, Tiny.random(2 * BATCH * HIDDEN, 5, 0.5f)));
    g.addOutput(Tiny.value("yh", TensorProto.DataType.FLOAT, 2, BATCH, HIDDEN));
    g.addOutput(Tiny.value("yc", TensorProto.DataType.FLOAT, 2, BATCH, HIDDEN));
    g.setNode(
        0,
        g.getNode(0).toBuilder()
            .addInput("lens")
            .addInput("h0")
            .addInput("c0")
            .addOutput("yh")
            .addOutput("yc"));
    ModelProto m = base.toBuilder().setGraph(g).build();
    ModelProto q =
        Compressor.quantizeDynamic(OnnxModel.of(m), QuantOptions.defaults(), List.of())
            .model()
            .proto();
    assertEquals(
        List.of("x", "W_quantized", "R_quantized", "B", "lens", "h0", "c0", ""),
        q.getGraph().getNode(0).getInputList().subList(0, 8));
    float[] x = Tiny.random(SEQ * BATCH * IN, 7, 1f);
    List<float[]> ref = runAll(m, x);
    List<float[]> got = runAll(q, x);
    for (int i = 0; i < 3; i++) {
      double cos = Tiny.cosine(ref.get(i), got.get(i));
      assertTrue(cos > 0.999, "output " + i + ": cosine " + cos);
    }
    // The shorter sequence's Y is zero past its length, as in the input model.
    assertEquals(0f, got.get(0)[got.get(0).length - 1], "Y past sequence_lens");
  }

  /** Every output of {@code m} on x. */
  private static List<float[]> runAll(ModelProto m, float[] x) throws Exception {
    var env = dev.infercost.models.Models.ortEnvironment();
    try (var o = new ai.onnxruntime.OrtSession.SessionOptions();
        var s = env.createSession(m.toByteArray(), o);
        var t = ai.onnxruntime.OnnxTensor.createTensor(env, java.nio.FloatBuffer.wrap(x), X_SHAPE);
        var r = s.run(java.util.Map.of("x", t))) {
      List<float[]> out = new java.util.ArrayList<>();
      for (var e : r) {
        java.nio.FloatBuffer b = ((ai.onnxruntime.OnnxTensor) e.getValue()).getFloatBuffer();
        float[] v = new float[b.remaining()];
        b.get(v);
        out.add(v);
      }
      return out;
    }
  }

  @Test
  void staticInt8GivesAnLstmTheDynamicKernel() throws Exception {
    ModelProto m = lstm(2);
    List<List<dev.infercost.models.Tensor>> calib =
        List.of(
            List.of(
                dev.infercost.models.Tensor.ofFloats(
                    "x", X_SHAPE, Tiny.random(SEQ * BATCH * IN, 8, 1f))));
    OnnxModel model = OnnxModel.of(m);
    CompressResult r =
        Compressor.quantizeStaticCpu(
            model, StaticOptions.defaults(), Compressor.calibrate(model, calib));
    assertEquals(List.of("DynamicQuantizeLSTM"), Tiny.opTypes(r.model().proto()));
    float[] x = Tiny.random(SEQ * BATCH * IN, 9, 1f);
    double cos =
        Tiny.cosine(Tiny.run(m, "x", X_SHAPE, x), Tiny.run(r.model().proto(), "x", X_SHAPE, x));
    assertTrue(cos > 0.999, "cosine " + cos);
  }

  @Test
  void batchFirstLayoutAndExcludedNodesStayFloat() throws Exception {
    ModelProto batchFirst =
        lstm(1, Tiny.intAttr("layout", 1)).toBuilder()
            .clearOpsetImport()
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(14))
            .build();
    PassResult r =
        new dev.infercost.compress.internal.DynamicLstmPass()
            .apply(batchFirst, PassContext.of(NodeFilter.all()));
    assertEquals(batchFirst, r.model());
    assertEquals(
        List.of("rnn: layout=1 (batch first) has no integer kernel in ONNX Runtime"), r.skipped());
    ModelProto m = lstm(1);
    PassResult excluded =
        new dev.infercost.compress.internal.DynamicLstmPass()
            .apply(m, PassContext.of(NodeFilter.all().excluding(List.of("rnn"))));
    assertEquals(m, excluded.model());
  }
}
