package dev.infercost.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.infercost.base.InfercostException;
import dev.infercost.compress.NodeFilter;
import dev.infercost.compress.QuantOptions;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.Models;
import dev.infercost.profile.DataException;
import dev.infercost.profile.EvalReport;
import dev.infercost.profile.Evaluator;
import dev.infercost.profile.MetricScore;
import dev.infercost.profile.MetricSet;
import dev.infercost.profile.TaskMetric;
import dev.infercost.profile.TaskMetrics;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CompressWorkflowTest {
  @TempDir Path tmp;

  @Test
  @Tag("slow")
  void miniLmInt8KeepsItsEmbeddings() throws Exception {
    CompressRequest req =
        CompressRequest.builder(ModelRef.resolve("minilm-l6"), tmp.resolve("out"))
            .optBound(Bound.minCosine(0.99))
            .optMeasure(false)
            .build();
    CompressReport r = CompressWorkflow.run(req, s -> {});
    // Fidelity floor on the 400 held-out sentences (measured 0.996 / 0.93 on this project's CI
    // machine; ONNX Runtime's own quantizer reaches 0.992 / 0.89 there).
    assertEquals("embedding", r.fidelity().outputKind());
    assertEquals(400, r.fidelity().samples());
    assertTrue(r.fidelity().meanCosine() > 0.995, "mean cosine " + r.fidelity().meanCosine());
    assertTrue(r.fidelity().nnAgreement() >= 0.90, "nn agreement " + r.fidelity().nnAgreement());
    assertTrue(r.bound().met());
    assertTrue(r.sizeRatio() < 0.26, "size ratio " + r.sizeRatio());
    assertTrue(r.calibration().endsWith("sentences-calib.txt"), r.calibration());
    assertTrue(r.calibrationHint().isEmpty(), "calibrated: no hint");
    assertTrue(r.compressSeconds() > 0);
    assertNull(r.latency());
    JsonNode json = new ObjectMapper().readTree(tmp.resolve("out/report.json").toFile());
    assertEquals(1, json.get("schema").asInt());
    assertEquals(r.output().sha256(), json.get("output").get("sha256").asText());
    assertTrue(
        Files.readString(tmp.resolve("out/report.md")).contains("nearest-neighbour agreement"));
  }

  @Test
  @Tag("slow")
  void miniLmWithoutCalibrationDataBeatsOrtsQuantizer() throws Exception {
    // Given as a file, the model brings no calibration set: the first-try case.
    ModelRef file =
        ModelRef.resolve(
            Models.resolve("minilm-l6", ModelFormat.ONNX).toString(),
            Evaluator.defaultTokenizer("minilm-l6"));
    CompressReport r =
        CompressWorkflow.run(
            CompressRequest.builder(file, tmp.resolve("nocalib")).optMeasure(false).build(),
            s -> {});
    assertEquals("none", r.calibration());
    assertEquals(Optional.of(CompressReport.CALIBRATION_HINT), r.calibrationHint());
    assertTrue(Files.readString(tmp.resolve("nocalib/report.md")).contains("--calib-data DATA"));
    var b = Models.builtin("minilm-l6").orElseThrow();
    EvalReport f =
        Evaluator.evaluate(
            file.file().toString(),
            r.output().path(),
            Models.builtinFile(b, b.testDataResource().orElseThrow()),
            Evaluator.defaultTokenizer("minilm-l6"),
            2,
            s -> {});
    // Measured on the 400 held-out sentences (AVX512-VNNI host, full 8-bit weights): 0.99388 /
    // 0.9845 / 0.910; ONNX Runtime's quantizer (the -q jar) 0.99188 / 0.9758 / 0.885.
    assertTrue(f.meanCosine() > 0.9930, "mean cosine " + f.meanCosine());
    assertTrue(f.minCosine() > 0.980, "min cosine " + f.minCosine());
    assertTrue(f.nnAgreement() >= 0.895, "nn agreement " + f.nnAgreement());
  }

  @Test
  @Tag("slow")
  void miniLmStaticQdqForGpus() throws Exception {
    CompressRequest req =
        CompressRequest.builder(ModelRef.resolve("minilm-l6"), tmp.resolve("qdq"))
            .optRecipe(Recipe.of(Method.INT8_QDQ))
            .optMeasure(false)
            .build();
    CompressReport r = CompressWorkflow.run(req, s -> {});
    // Measured 0.9937 / 0.895 on this project's CI machine: static per-tensor activation scales
    // give up a little against dynamic ones, and still beat ONNX Runtime's dynamic quantizer
    // (0.992).
    assertTrue(r.fidelity().meanCosine() > 0.992, "mean cosine " + r.fidelity().meanCosine());
    assertTrue(r.output().path().endsWith(Method.INT8_QDQ.fileName()), r.output().path());
    var q = Models.loadOnnx(Path.of(r.output().path()));
    long[] shape = {1, 128};
    var info =
        q.info(
            java.util.Map.of("input_ids", shape, "attention_mask", shape, "token_type_ids", shape));
    assertEquals(13, info.opset(), "upgraded from opset 11 for per-channel weight scales");
    // Every weighted MatMul is int8; the 12 attention products (75,497,472 MACs) stay float.
    assertEquals(1_434_451_968L, info.macs());
    assertEquals(1_434_451_968L - 75_497_472L, info.int8Macs());
    // 36 weights; Q, K and V read one activation, so 4 activations per layer.
    assertEquals(36 + 24, info.ops().get("DequantizeLinear"));
    // The attention Softmax (axis 3 of 4) became axis -1, not a Flatten/Reshape wrap.
    assertNull(info.ops().get("Flatten"));
    assertEquals("opset 11 -> 13 (6 Softmax, 51 Unsqueeze)", r.options().get("opsetUpgrade"));
  }

  @Test
  void digitsCnnWithLabelsChecksTheAccuracyBound() throws Exception {
    CompressRequest req =
        CompressRequest.builder(ModelRef.resolve("digits-cnn"), tmp.resolve("cnn"))
            .optBound(Bound.maxAccuracyDrop(0.01))
            .optMeasure(false)
            .build();
    CompressReport r = CompressWorkflow.run(req, s -> {});
    assertEquals("logits", r.fidelity().outputKind());
    assertEquals(450, r.fidelity().samples());
    assertEquals(437.0 / 450, r.fidelity().referenceAccuracy(), 1e-9);
    assertTrue(r.fidelity().accuracyDrop() <= 0.01, "drop " + r.fidelity().accuracyDrop());
    assertTrue(r.bound().met(), r.bound().reason());
    // Every node left as is has a reason: int8-dynamic does not look at Conv or Relu at all.
    for (OpTable.Row o : r.byOpType()) {
      int explained = o.reasons().values().stream().mapToInt(Integer::intValue).sum();
      assertTrue(explained >= o.leftAsIs(), o.toString());
    }
    OpTable.Row relu =
        r.byOpType().stream().filter(o -> o.opType().equals("Relu")).findFirst().orElseThrow();
    assertEquals(java.util.Map.of(OpTable.NOT_LOOKED_AT, relu.nodes()), relu.reasons());
    OpTable.Row conv =
        r.byOpType().stream().filter(o -> o.opType().equals("Conv")).findFirst().orElseThrow();
    assertEquals(
        "int8-dynamic leaves the "
            + conv.nodes()
            + " Conv layers in float: --method int8-static (with --calib-data) quantizes them",
        r.nextStep());
  }

  /**
   * The built-in task metrics, asked for by name, give the report's own figures on the digits
   * models, and top-1 accuracy as a metric bound is checked like the accuracy bound.
   */
  @ParameterizedTest
  @ValueSource(strings = {"digits-cnn", "digits-mlp"})
  void builtinMetricsGiveTheReportsFigures(String model) throws Exception {
    try (TaskMetrics metrics = TaskMetrics.load(List.of())) {
      TaskMetric acc = metrics.get("top1-accuracy");
      CompressRequest req =
          CompressRequest.builder(ModelRef.resolve(model), tmp.resolve(model))
              .optBound(Bound.maxMetricDrop(acc, 0.01))
              .optMetrics(
                  new MetricSet(
                      List.of(metrics.get("cosine"), metrics.get("mask-iou")), Optional.empty()))
              .optMeasure(false)
              .build();
      EvalReport e = CompressWorkflow.run(req, s -> {}).fidelity();
      assertEquals(
          List.of("cosine", "mask-iou", "top1-accuracy"),
          e.metrics().stream().map(MetricScore::name).toList());
      MetricScore a = e.metric("top1-accuracy").orElseThrow();
      assertEquals(e.referenceAccuracy(), a.reference(), 0.0);
      assertEquals(e.candidateAccuracy(), a.candidate(), 0.0);
      assertEquals(e.accuracyDrop(), a.drop(), 0.0);
      MetricScore cos = e.metric("cosine").orElseThrow();
      assertEquals(e.meanCosine(), cos.candidate(), 0.0);
      assertEquals(1.0, cos.reference(), 1e-9);
      // Logits [N, 10] are one-position masks: IoU of the predicted classes, 1 for the reference.
      MetricScore iou = e.metric("mask-iou").orElseThrow();
      assertEquals(1.0, iou.reference(), 0.0);
      assertTrue(iou.candidate() > 0.8 && iou.candidate() <= 1, "iou " + iou.candidate());
      assertTrue(e.top1Agreement() < 1 || iou.candidate() == 1, "iou 1 iff all agree");
    }
  }

  @Test
  void oneDataSetIsSplitIntoDisjointCalibrationAndEvaluation() throws Exception {
    var b = Models.builtin("digits-mlp").orElseThrow();
    Path data = Models.builtinFile(b, b.testDataResource().orElseThrow());
    CompressRequest req =
        CompressRequest.builder(ModelRef.resolve("digits-mlp"), tmp.resolve("mlp"))
            .optData(data)
            .optCalibrationSamples(2)
            .optMeasure(false)
            .build();
    CompressReport r = CompressWorkflow.run(req, s -> {});
    // 450 rows in batches of 64: the first 2 batches (128 rows) calibrate, 322 evaluate.
    assertEquals(322, r.fidelity().samples());
    assertTrue(r.calibration().contains("first 128 samples"), r.calibration());
  }

  @Test
  void anUnmetBoundStillWritesTheModelAndSaysWhy() throws Exception {
    CompressRequest req =
        CompressRequest.builder(ModelRef.resolve("digits-mlp"), tmp.resolve("strict"))
            .optBound(Bound.minCosine(1.0))
            .optMeasure(false)
            .build();
    CompressReport r = CompressWorkflow.run(req, s -> {});
    assertFalse(r.bound().met());
    assertTrue(r.bound().reason().contains("below"), r.bound().reason());
    assertTrue(Files.size(tmp.resolve("strict/model.int8.onnx")) > 0);
  }

  /** digits-mlp's graph, edited by {@code edit}, saved as {@code name}. */
  private Path editedMlp(String name, Consumer<GraphProto.Builder> edit) throws Exception {
    var mlp = Models.loadOnnx(Models.resolve("digits-mlp", ModelFormat.ONNX));
    var g = mlp.proto().getGraph().toBuilder();
    edit.accept(g);
    Path model = tmp.resolve(name);
    Models.saveOnnx(mlp.withProto(mlp.proto().toBuilder().setGraph(g).build()), model);
    return model;
  }

  private CompressReport compressMlp(Path model, String out, Recipe recipe, Bound bound)
      throws Exception {
    var b = Models.builtin("digits-mlp").orElseThrow();
    return CompressWorkflow.run(
        CompressRequest.builder(ModelRef.resolve(model.toString()), tmp.resolve(out))
            .optData(Models.builtinFile(b, b.testDataResource().orElseThrow()))
            .optRecipe(recipe)
            .optBound(bound)
            .optMeasure(false)
            .build(),
        s -> {});
  }

  @Test
  void aMissedBoundIsHeldAgainstTheInputModelsOwnStability() throws Exception {
    // One huge weight on pixel 0, which is 0 in every digit: fp32 ignores it, but with one weight
    // scale per tensor every other weight rounds to almost nothing. The input model itself barely
    // moves when its pixels move by half an 8-bit step, so the miss is the compression's.
    Path model =
        editedMlp(
            "outlier.onnx",
            g -> {
              for (int i = 0; i < g.getInitializerCount(); i++) {
                TensorProto w = g.getInitializer(i);
                if (w.getName().equals("net.0.weight")) {
                  var v =
                      ByteBuffer.wrap(w.getRawData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
                  v.putFloat(0, 1e6f);
                  g.setInitializer(i, w.toBuilder().setRawData(ByteString.copyFrom(v.array())));
                }
              }
            });
    CompressReport r =
        compressMlp(
            model,
            "outlier",
            new Recipe.Int8Dynamic(new QuantOptions(NodeFilter.all(), false, false, true, 0)),
            Bound.minCosine(0.99));
    assertFalse(r.bound().met(), r.bound().reason());
    Stability own = r.bound().stability();
    assertNotNull(own);
    assertEquals(Stability.Verdict.HOLDS, own.verdict());
    assertNull(own.margin());
    assertTrue(own.loss() < 1e-4, "loss " + own.loss());
    assertEquals("up to ±0.00196 on 'input'", own.inputsMoved());
    assertFalse(r.bound().reason().contains("misses it too"), r.bound().reason());
    assertTrue(r.nextStep().startsWith("try --method auto"), r.nextStep());
    assertTrue(
        Files.readString(tmp.resolve("outlier/report.md"))
            .contains("the miss is the compression's"));
  }

  @Test
  void aBoundTighterThanTheInputModelsOwnStabilitySaysSo() throws Exception {
    // A second output, sin(1000 × logits), moves as much under a half-step move of the pixels as
    // under int8: no compression can hold a cosine bound on it.
    Path model =
        editedMlp(
            "wobble.onnx",
            g -> {
              g.addInitializer(
                  TensorProto.newBuilder()
                      .setName("thousand")
                      .setDataType(TensorProto.DataType.FLOAT_VALUE)
                      .addFloatData(1000));
              g.addNode(
                  NodeProto.newBuilder()
                      .setOpType("Mul")
                      .addInput(g.getOutput(0).getName())
                      .addInput("thousand")
                      .addOutput("scaled"));
              g.addNode(
                  NodeProto.newBuilder().setOpType("Sin").addInput("scaled").addOutput("wobble"));
              g.addOutput(g.getOutput(0).toBuilder().setName("wobble"));
            });
    CompressReport r =
        compressMlp(model, "wobble", Recipe.of(Method.INT8_DYNAMIC), Bound.minCosine(0.99));
    Stability own = r.bound().stability();
    assertFalse(r.bound().met());
    assertEquals(Stability.Verdict.MISSES, own.verdict());
    assertTrue(own.loss() > 0.1, "loss " + own.loss());
    assertTrue(
        r.bound()
            .reason()
            .contains(
                "the input model misses it too, against itself, when its float inputs move by up"
                    + " to ±0.00196 on 'input' (half an 8-bit step of each feature's range; 1 −"
                    + " mean cosine "),
        r.bound().reason());
    assertTrue(
        r.bound()
            .reason()
            .endsWith("so bound a task metric instead (--metric NAME --max-metric-drop X)"),
        r.bound().reason());
    assertTrue(
        r.nextStep().startsWith("bound a task metric on what the model is for"), r.nextStep());
  }

  @Test
  void aMissedCosineOnAnOutputBehindAStepSaysSoAndWhatToBoundInstead() throws Exception {
    // Digits-mlp with a second output that keeps only the logits over zero (a suppression).
    var mlp = Models.loadOnnx(Models.resolve("digits-mlp", ModelFormat.ONNX));
    var g = mlp.proto().getGraph().toBuilder();
    String logits = g.getOutput(0).getName();
    g.addInitializer(
        TensorProto.newBuilder()
            .setName("zero")
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .setRawData(ByteString.copyFrom(new byte[4])));
    g.addNode(
        NodeProto.newBuilder()
            .setOpType("Greater")
            .setName("over")
            .addInput(logits)
            .addInput("zero")
            .addOutput("positive"));
    g.addNode(
        NodeProto.newBuilder()
            .setOpType("Where")
            .setName("keep")
            .addInput("positive")
            .addInput(logits)
            .addInput("zero")
            .addOutput("kept"));
    g.addOutput(g.getOutput(0).toBuilder().setName("kept"));
    Path model = tmp.resolve("stepped.onnx");
    Models.saveOnnx(mlp.withProto(mlp.proto().toBuilder().setGraph(g).build()), model);
    EvalReport worstKept = report(0.999, 0.9);
    String hint = CompressWorkflow.stepped(model, worstKept).orElseThrow();
    assertTrue(hint.startsWith("output 'kept' is computed through Greater 'over'"), hint);
    assertTrue(hint.contains("--max-metric-drop"), hint);
    assertTrue(CompressWorkflow.stepped(model, report(0.9, 0.999)).isEmpty());
  }

  @Test
  void cosineOnOutputsThatAllSamplesShareIsCalledLenient() {
    EvalReport offset = report(0.9999, 0.9999).withCommonRatio(20.0);
    String hint = CompressWorkflow.lenientCosine(Optional.of(offset), null).orElseThrow();
    assertEquals(
        "cosine is lenient on these outputs: what all samples share outweighs what varies between"
            + " them 20 to 1, so cosine moves 21 times less than the error; bound a task metric"
            + " instead (--metric NAME --max-metric-drop X)",
        hint);
    CompressReport.BoundResult cosine =
        new CompressReport.BoundResult("min-cosine", 0.99, true, "met", null);
    assertEquals(Optional.of(hint), CompressWorkflow.lenientCosine(Optional.of(offset), cosine));
    CompressReport.BoundResult metric =
        new CompressReport.BoundResult("max-metric-drop", 0.01, true, "met", null);
    assertTrue(CompressWorkflow.lenientCosine(Optional.of(offset), metric).isEmpty());
    assertTrue(
        CompressWorkflow.lenientCosine(Optional.of(offset.withCommonRatio(8.0)), null).isEmpty());
    assertTrue(
        CompressWorkflow.lenientCosine(Optional.of(offset.withCommonRatio(null)), null).isEmpty());
  }

  private static EvalReport report(double logits, double kept) {
    return new EvalReport(
        "data",
        1,
        "float",
        Math.min(logits, kept),
        Math.min(logits, kept),
        0,
        null,
        null,
        null,
        null,
        null,
        List.of(),
        List.of(
            new EvalReport.OutputCosine("logits", logits, logits),
            new EvalReport.OutputCosine("kept", kept, kept)),
        null,
        null);
  }

  /**
   * A model infercost already quantized comes back unchanged with that reason: its stored int8
   * weights are not folded back into float (which also broke integer fusion: BlazeFace's
   * int8-static model, compressed again, scored cosine 0.853 against itself), and the quantizers
   * leave its QDQ nodes alone.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "INT8_STATIC DequantizeLinear INT8_STATIC INT8_DYNAMIC INT8_QDQ",
        // int8-dynamic leaves the Convs float, which the static methods then quantize.
        "INT8_DYNAMIC MatMulInteger INT8_DYNAMIC"
      })
  void anAlreadyQuantizedModelComesBackUnchangedAndSaysWhy(String methodOpAgain) throws Exception {
    String[] w = methodOpAgain.split(" ");
    Method method = Method.valueOf(w[0]);
    CompressReport first =
        CompressWorkflow.run(
            CompressRequest.builder(ModelRef.resolve("digits-cnn"), tmp.resolve("first"))
                .optRecipe(Recipe.of(method))
                .optMeasure(false)
                .build(),
            s -> {});
    assertFalse(first.unchanged(), first.headline());
    ModelRef quantized = ModelRef.resolve(first.output().path());
    for (int i = 2; i < w.length; i++) {
      Method again = Method.valueOf(w[i]);
      CompressReport r =
          CompressWorkflow.run(
              CompressRequest.builder(quantized, tmp.resolve("again-" + again))
                  .optRecipe(Recipe.of(again))
                  .optData(ModelRef.resolve("digits-cnn").defaultEvaluationData().orElseThrow())
                  .optMeasure(false)
                  .build(),
              s -> {});
      assertTrue(r.unchanged(), r.headline());
      assertTrue(
          r.headline().contains("the input is already quantized (") && r.headline().contains(w[1]),
          r.headline());
      assertEquals(1.0, r.fidelity().meanCosine(), 1e-6, again + ": " + r.headline());
    }
  }

  /**
   * Pruning alone ({@code --method none --prune}) that removes nothing is unchanged, like a
   * quantizer that rewrites nothing: here the first Conv has one output channel, which pruning
   * keeps.
   */
  @Test
  void pruningThatRemovesNothingIsUnchanged() throws Exception {
    CompressReport r = onTwoConvs(new Recipe.Pruned(0.3, NodeFilter.all(), new Recipe.Fp32()));
    assertTrue(r.unchanged(), r.headline());
    assertTrue(r.headline().startsWith("unchanged: pruned-0.3 rewrote 0 of"), r.headline());
    assertNull(r.nextStep());
  }

  /**
   * int8-dynamic does not touch Conv: on a CNN it is unchanged, and the next step names the method
   * that quantizes Convs (it was left out for unchanged models, the case that needs it most).
   */
  @Test
  void int8DynamicOfACnnIsUnchangedAndPointsAtInt8Static() throws Exception {
    CompressReport r = onTwoConvs(Recipe.of(Method.INT8_DYNAMIC));
    assertTrue(r.unchanged(), r.headline());
    assertEquals(
        "int8-dynamic leaves the 2 Conv layers in float: --method int8-static (with --calib-data)"
            + " quantizes them",
        r.nextStep());
  }

  /** {@code recipe} on a Conv with one output channel, a Relu and a 1×1 Conv, with data. */
  private CompressReport onTwoConvs(Recipe recipe) throws Exception {
    OpCorpus.G g = new OpCorpus.G(new Random(3));
    String x = g.x(2, 3, 8, 8);
    String y =
        g.n("Relu", g.n("Conv", List.of(OpCorpus.is("pads", 1, 1, 1, 1)), x, g.f(1, 3, 3, 3)));
    g.out(g.n("Conv", y, g.f(4, 1, 1, 1)));
    OpCorpus.Built b = g.finish("conv", OpCorpus.OPSET);
    Path model = Files.write(tmp.resolve("conv.onnx"), b.model().toByteArray());
    Path npz = tmp.resolve("conv.npz");
    b.writeNpz(npz);
    return CompressWorkflow.run(
        CompressRequest.builder(ModelRef.resolve(model.toString()), tmp.resolve("out"))
            .optRecipe(recipe)
            .optData(npz)
            .optCalibrationData(npz)
            .optMeasure(false)
            .build(),
        s -> {});
  }

  @Test
  void accuracyBoundWithoutLabelsIsNotMet() throws Exception {
    CompressRequest req =
        CompressRequest.builder(ModelRef.resolve("digits-mlp"), tmp.resolve("nolabels"))
            .optData(writeUnlabelled())
            .optCalibrationData(writeUnlabelled())
            .optBound(Bound.maxAccuracyDrop(0.5))
            .optMeasure(false)
            .build();
    CompressReport r = CompressWorkflow.run(req, s -> {});
    assertNotNull(r.fidelity());
    assertFalse(r.bound().met());
    assertTrue(r.bound().reason().contains("no labels"));
    assertNull(r.bound().stability(), "an accuracy drop with no value has nothing to hold");
  }

  @Test
  void withoutCalibrationDataTheReportSaysHowToPassIt() throws Exception {
    ModelRef file = ModelRef.resolve(Models.resolve("digits-mlp", ModelFormat.ONNX).toString());
    CompressReport r =
        CompressWorkflow.run(
            CompressRequest.builder(file, tmp.resolve("hint")).optMeasure(false).build(), s -> {});
    assertEquals("none", r.calibration());
    assertEquals(Optional.of(CompressReport.CALIBRATION_HINT), r.calibrationHint());
    assertTrue(
        Files.readString(tmp.resolve("hint/report.md")).contains(CompressReport.CALIBRATION_HINT));
  }

  @Test
  void badOutputFolderIsRefused() throws Exception {
    Path file = Files.writeString(tmp.resolve("file"), "x");
    CompressRequest req =
        CompressRequest.builder(ModelRef.resolve("digits-mlp"), file).optMeasure(false).build();
    InfercostException e =
        assertThrows(InfercostException.class, () -> CompressWorkflow.run(req, s -> {}));
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
  }

  @Test
  void tooLittleDataToSplit() throws Exception {
    Path csv = Files.writeString(tmp.resolve("one.csv"), header() + row() + "\n");
    CompressRequest req =
        CompressRequest.builder(ModelRef.resolve("digits-mlp"), tmp.resolve("x"))
            .optData(csv)
            .optMeasure(false)
            .build();
    assertThrows(DataException.class, () -> CompressWorkflow.run(req, s -> {}));
  }

  private Path writeUnlabelled() throws Exception {
    StringBuilder s = new StringBuilder(header().replace(",label", ""));
    for (int i = 0; i < 130; i++) {
      // Rows that differ, so that the input model's own stability is measured on them too.
      String first = Double.toString(i % 11 / 11.0);
      s.append(row().replaceFirst("^[^,]*", first).replaceFirst(",[0-9]+$", "")).append('\n');
    }
    return Files.writeString(Files.createTempFile(tmp, "data", ".csv"), s.toString());
  }

  private static String header() {
    StringBuilder h = new StringBuilder();
    for (int i = 0; i < 64; i++) {
      h.append("p").append(i).append(',');
    }
    return h.append("label\n").toString();
  }

  private static String row() {
    StringBuilder r = new StringBuilder();
    for (int i = 0; i < 64; i++) {
      r.append(i % 7 / 7.0).append(',');
    }
    return r.append("3").toString();
  }
}
