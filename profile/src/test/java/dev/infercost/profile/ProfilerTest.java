package dev.infercost.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.infercost.base.InfercostException;
import dev.infercost.base.Parameter;
import dev.infercost.models.ModelException;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.Models;
import dev.infercost.models.OnnxModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Profiler#profile} end to end, with a short sampling plan. Asserts behaviour, never time.
 */
class ProfilerTest {
  private static final double REL = 1e-9;

  @TempDir Path tmp;

  /** A short sampling plan: at least 10 samples and 50 ms, at most 2 s per batch. */
  static ProfileOptions.Builder quick() {
    return ProfileOptions.builder().optSampling(10, 50, 2000).optWarmup(2, 10);
  }

  private static void assertSane(BatchResult r) {
    LatencyStats l = r.latency();
    assertTrue(l.samples() >= 10, "samples " + l.samples());
    assertTrue(l.p50() > 0, "p50 " + l.p50());
    assertTrue(l.min() <= l.p50() && l.p50() <= l.p90() && l.p90() <= l.p99(), l.toString());
    assertTrue(l.p99() <= l.max(), l.toString());
    assertTrue(l.ciLow() <= l.p50() && l.p50() <= l.ciHigh(), l.toString());
    assertEquals(r.batch() * 1000.0 / l.p50(), r.throughput(), r.throughput() * REL);
    // Raw samples: all of them up to 2000, else at most 2000 evenly spaced ones.
    if (l.samples() <= 2000) {
      assertEquals(l.samples(), r.samplesMs().size());
    } else {
      assertTrue(r.samplesMs().size() <= 2000 && r.samplesMs().size() >= 1000);
    }
    assertTrue(r.samplesMs().stream().allMatch(s -> s >= 0));
  }

  @Test
  void digitsCnnTwoBatches() throws Exception {
    List<String> progress = new ArrayList<>();
    ProfileReport rep =
        Profiler.profile("digits-cnn", quick().optBatches(List.of(1, 4)).build(), progress::add);
    assertEquals(Models.resolve("digits-cnn", ModelFormat.ONNX).toString(), rep.model());
    assertEquals("ort", rep.engine());
    assertEquals("cpu", rep.device());
    assertEquals(1, rep.threads());
    assertEquals("synthetic", rep.inputSource());
    assertNotNull(rep.host());
    assertEquals(ProfileReport.SCHEMA, rep.schema());
    assertEquals(ProfileReport.KIND, rep.kind());
    assertEquals(
        dev.infercost.base.Hashes.sha256(Models.resolve("digits-cnn", ModelFormat.ONNX)),
        rep.modelSha256());
    assertEquals(1, rep.fingerprint().threads());
    assertEquals(rep.host().cpuModel(), rep.fingerprint().cpuModel());
    assertEquals(List.of(), rep.notes(), "all non-batch dims are fixed");
    assertEquals(2, rep.results().size());
    BatchResult b1 = rep.results().get(0);
    BatchResult b4 = rep.results().get(1);
    assertEquals(1, b1.batch());
    assertEquals(4, b4.batch());
    assertEquals(Map.of("input", List.of(1L, 1L, 8L, 8L)), b1.inputShapes());
    assertEquals(Map.of("input", List.of(4L, 1L, 8L, 8L)), b4.inputShapes());
    assertSane(b1);
    assertSane(b4);
    assertFalse(progress.isEmpty());
    assertTrue(progress.stream().noneMatch(p -> p.contains("\n")), progress.toString());
  }

  @Test
  void memoryIsReportedOnLinux() throws Exception {
    assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "needs procfs");
    ProfileReport rep =
        Profiler.profile("digits-cnn", quick().optBatches(List.of(2)).build(), p -> {});
    MemoryReport m = rep.results().get(0).memory();
    assertNotNull(m.rssAfterLoad());
    assertNotNull(m.peakRss());
    assertTrue(m.rssAfterLoad() > 0);
    assertTrue(m.peakRss() > 0);
    assertTrue(m.source().startsWith("/proc/self/status"), m.source());
    assertEquals(Files.size(Models.resolve("digits-cnn", ModelFormat.ONNX)), m.modelBytes());
  }

  @Test
  void defaultBatchIsOneForASymbolicDim() throws Exception {
    ProfileReport rep = Profiler.profile("digits-mlp", quick().build(), p -> {});
    assertEquals(1, rep.results().size());
    assertEquals(1, rep.results().get(0).batch());
    assertEquals(Map.of("input", List.of(1L, 64L)), rep.results().get(0).inputShapes());
  }

  @Test
  void explicitShapeIsUsed() throws Exception {
    ProfileReport rep =
        Profiler.profile(
            "digits-cnn", quick().optShape("input", new long[] {3, 1, 8, 8}).build(), p -> {});
    assertEquals(3, rep.results().get(0).batch());
    assertEquals(Map.of("input", List.of(3L, 1L, 8L, 8L)), rep.results().get(0).inputShapes());
  }

  @Test
  void djlEngineOnDigitsMlp() throws Exception {
    ProfileReport rep =
        Profiler.profile(
            "digits-mlp", quick().optEngine(Engine.DJL).optBatches(List.of(1, 3)).build(), p -> {});
    assertEquals("djl", rep.engine());
    assertEquals(Models.resolve("digits-mlp", ModelFormat.TORCHSCRIPT).toString(), rep.model());
    assertEquals(2, rep.results().size());
    assertEquals(Map.of("input", List.of(3L, 64L)), rep.results().get(1).inputShapes());
    rep.results().forEach(ProfilerTest::assertSane);
    assertEquals(
        Files.size(Models.resolve("digits-mlp", ModelFormat.TORCHSCRIPT)),
        rep.results().get(0).memory().modelBytes());
  }

  @Test
  void djlOnATorchScriptPathWithShapes() throws Exception {
    String pt = Models.resolve("digits-mlp", ModelFormat.TORCHSCRIPT).toString();
    ProfileReport rep =
        Profiler.profile(
            pt, quick().optEngine(Engine.DJL).optShape("x", new long[] {2, 64}).build(), p -> {});
    assertEquals(Map.of("x", List.of(2L, 64L)), rep.results().get(0).inputShapes());
    assertSane(rep.results().get(0));
  }

  @Test
  void djlOnATorchScriptPathWithoutShapesIsRefused() throws Exception {
    String pt = Models.resolve("digits-mlp", ModelFormat.TORCHSCRIPT).toString();
    ProfileException e =
        assertThrows(
            ProfileException.class,
            () -> Profiler.profile(pt, quick().optEngine(Engine.DJL).build(), p -> {}));
    assertTrue(e.getMessage().contains(pt), e.getMessage());
    assertTrue(e.getMessage().contains("give a shape for each input"), e.getMessage());
    assertEquals(Optional.of(Parameter.SHAPES), e.hint());
  }

  @Test
  void djlOnATorchScriptPathWithInputsFromData() throws Exception {
    String pt = Models.resolve("digits-mlp", ModelFormat.TORCHSCRIPT).toString();
    Path npz = TensorFilesTest.bundledTestData("digits-mlp");
    ProfileReport rep =
        Profiler.profile(
            pt,
            quick().optEngine(Engine.DJL).optInputs(npz).optBatches(List.of(5)).build(),
            p -> {});
    assertEquals(Map.of("input", List.of(5L, 64L)), rep.results().get(0).inputShapes());
  }

  @Test
  void djlWithADataFileWithoutInputsIsAClearError() throws Exception {
    String pt = Models.resolve("digits-mlp", ModelFormat.TORCHSCRIPT).toString();
    Path labels =
        Files.write(
            tmp.resolve("label.npy"), Npy.v1(Npy.header("<i8", false, 3), Npy.longs(1, 2, 3)));
    InfercostException e =
        assertThrows(
            InfercostException.class,
            () ->
                Profiler.profile(
                    pt, quick().optEngine(Engine.DJL).optInputs(labels).build(), p -> {}));
    assertTrue(e.getMessage().contains(labels.toString()), e.getMessage());
  }

  @Test
  void djlOnCudaWithoutAGpuIsRefused() throws Exception {
    assumeTrue(
        ai.djl.engine.Engine.getEngine("PyTorch").getGpuCount() == 0, "a CUDA GPU is present");
    InfercostException e =
        assertThrows(
            InfercostException.class,
            () ->
                Profiler.profile(
                    "digits-mlp", quick().optEngine(Engine.DJL).optCuda(true).build(), p -> {}));
    assertTrue(e.getMessage().contains("cuda"), e.getMessage());
  }

  @Test
  void onnxRuntimeOnATorchScriptFileIsRefused() throws Exception {
    String pt = Models.resolve("digits-mlp", ModelFormat.TORCHSCRIPT).toString();
    ModelException e =
        assertThrows(ModelException.class, () -> Profiler.profile(pt, quick().build(), p -> {}));
    assertTrue(e.getMessage().contains("DJL's PyTorch engine"), e.getMessage());
    assertEquals(Optional.of(Parameter.ENGINE), e.hint());
  }

  @Test
  void singleNpyFeedsTheSingleInput() throws Exception {
    float[] rows = new float[3 * 64];
    Path npy =
        Files.write(
            tmp.resolve("rows.npy"), Npy.v1(Npy.header("<f4", false, 3, 64), Npy.floats(rows)));
    ProfileReport rep = Profiler.profile("digits-mlp", quick().optInputs(npy).build(), p -> {});
    assertEquals(Map.of("input", List.of(3L, 64L)), rep.results().get(0).inputShapes());
  }

  @Tag("slow")
  @Test
  void miniLmWithoutShapesNotesTheDefaultedDims() throws Exception {
    List<String> progress = new ArrayList<>();
    ProfileReport rep =
        Profiler.profile(
            "minilm-l6",
            ProfileOptions.builder().optSampling(3, 0, 2000).optWarmup(1, 0).optThreads(2).build(),
            progress::add);
    List<Long> oneBy128 = List.of(1L, 128L);
    assertEquals(
        Map.of("input_ids", oneBy128, "attention_mask", oneBy128, "token_type_ids", oneBy128),
        rep.results().get(0).inputShapes());
    // One note: the three inputs share the sequence dim's name, so one default serves them all.
    assertEquals(1, rep.notes().size(), rep.notes().toString());
    assertTrue(
        rep.notes().get(0).contains("using 128 wherever 'sequence_length' appears"),
        rep.notes().toString());
    assertTrue(progress.stream().anyMatch(p -> p.startsWith("note: ")), progress.toString());
    assertEquals(2, rep.threads());
    assertTrue(rep.results().get(0).latency().p50() > 0);
  }

  @Test
  void inputsFromTheBundledNpzWithABatch() throws Exception {
    Path npz = TensorFilesTest.bundledTestData("digits-cnn");
    ProfileReport rep =
        Profiler.profile(
            "digits-cnn", quick().optInputs(npz).optBatches(List.of(4, 16)).build(), p -> {});
    assertEquals(npz.toString(), rep.inputSource());
    assertEquals(Map.of("input", List.of(4L, 1L, 8L, 8L)), rep.results().get(0).inputShapes());
    assertEquals(Map.of("input", List.of(16L, 1L, 8L, 8L)), rep.results().get(1).inputShapes());
    assertEquals(16, rep.results().get(1).batch());
    rep.results().forEach(ProfilerTest::assertSane);
  }

  @Test
  void inputsFromTheBundledNpzWithoutABatchTakeAllRows() throws Exception {
    Path npz = TensorFilesTest.bundledTestData("digits-mlp");
    ProfileReport rep = Profiler.profile("digits-mlp", quick().optInputs(npz).build(), p -> {});
    assertEquals(450, rep.results().get(0).batch());
    assertEquals(Map.of("input", List.of(450L, 64L)), rep.results().get(0).inputShapes());
  }

  /** digits-cnn with its batch dim fixed to 1 (input and output), saved under tmp. */
  private Path fixedBatchCnn() throws Exception {
    OnnxModel m = Models.loadOnnx(Models.resolve("digits-cnn", ModelFormat.ONNX));
    GraphProto.Builder g = m.proto().getGraph().toBuilder();
    g.getInputBuilder(0)
        .getTypeBuilder()
        .getTensorTypeBuilder()
        .getShapeBuilder()
        .getDimBuilder(0)
        .clearDimParam()
        .setDimValue(1);
    g.getOutputBuilder(0)
        .getTypeBuilder()
        .getTensorTypeBuilder()
        .getShapeBuilder()
        .getDimBuilder(0)
        .clearDimParam()
        .setDimValue(1);
    Path out = tmp.resolve("fixed-batch.onnx");
    Models.saveOnnx(OnnxModel.of(m.proto().toBuilder().setGraph(g).build()), out);
    return out;
  }

  @Test
  void fixedBatchModelRunsSynthetically() throws Exception {
    ProfileReport rep = Profiler.profile(fixedBatchCnn().toString(), quick().build(), p -> {});
    assertEquals(Map.of("input", List.of(1L, 1L, 8L, 8L)), rep.results().get(0).inputShapes());
  }

  @Test
  void fixedBatchModelTakesTheFirstRowOfData() throws Exception {
    Path npz = TensorFilesTest.bundledTestData("digits-cnn");
    ProfileReport rep =
        Profiler.profile(
            fixedBatchCnn().toString(),
            quick().optInputs(npz).optBatches(List.of(1)).build(),
            p -> {});
    assertEquals(Map.of("input", List.of(1L, 1L, 8L, 8L)), rep.results().get(0).inputShapes());
  }

  @Test
  void batchOnAFixedBatchModelIsNotSilentlyIgnored() throws Exception {
    String model = fixedBatchCnn().toString();
    ProfileReport rep;
    try {
      rep = Profiler.profile(model, quick().optBatches(List.of(1, 4)).build(), p -> {});
    } catch (ProfileException e) {
      assertTrue(e.getMessage().contains("input"), e.getMessage());
      return;
    }
    assertFalse(
        rep.notes().isEmpty(),
        "no note that --batch 4 was not applied: "
            + rep.results().stream().map(r -> r.batch() + " " + r.inputShapes()).toList());
  }

  @Test
  void batchLargerThanTheDataIsRefused() throws Exception {
    Path npz = TensorFilesTest.bundledTestData("digits-cnn");
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                Profiler.profile(
                    "digits-cnn",
                    quick().optInputs(npz).optBatches(List.of(451)).build(),
                    p -> {}));
    assertTrue(e.getMessage().contains(npz.toString()), e.getMessage());
  }

  @Test
  void aRunThatFailsOnTheUsersInputsPointsAtThem() throws Exception {
    // x [batch, d] reshaped to rows of 4: data 3 wide passes every declared dim, and ONNX Runtime
    // fails in the Reshape.
    TensorProto rows =
        TensorProto.newBuilder()
            .setName("rows")
            .setDataType(TensorProto.DataType.INT64_VALUE)
            .addDims(2)
            .addInt64Data(-1)
            .addInt64Data(4)
            .build();
    Path model =
        oneNodeModel(
            "rows",
            NodeProto.newBuilder()
                .setOpType("Reshape")
                .addInput("x")
                .addInput("rows")
                .addOutput("y"),
            List.of(floatValue("x", "batch", "d")),
            floatValue("y", "n", 4L),
            rows);
    Path npz =
        Npy.npz(
            tmp.resolve("x.npz"),
            Map.of("x.npy", Npy.v1(Npy.header("<f4", false, 1, 3), Npy.floats(1, 2, 3))),
            false);
    ModelException e =
        assertThrows(
            ModelException.class,
            () -> Profiler.profile(model.toString(), quick().optInputs(npz).build(), p -> {}));
    assertEquals(Optional.of(Parameter.INPUTS), e.hint(), e.getMessage());
    // Made-up inputs of the same shape point at --shape.
    e =
        assertThrows(
            ModelException.class,
            () ->
                Profiler.profile(
                    model.toString(), quick().optShape("x", new long[] {1, 3}).build(), p -> {}));
    assertEquals(Optional.of(Parameter.SHAPES), e.hint(), e.getMessage());
  }

  @Test
  void inputsWithTheWrongShapeAreRefused() throws Exception {
    // The MLP's 64-wide rows do not fit the CNN's [batch,1,8,8].
    Path npz = TensorFilesTest.bundledTestData("digits-mlp");
    DataException e =
        assertThrows(
            DataException.class,
            () -> Profiler.profile("digits-cnn", quick().optInputs(npz).build(), p -> {}));
    assertTrue(e.getMessage().contains("'input'"), e.getMessage());
  }

  @Test
  void shapeOfTheWrongRankIsRefused() {
    ProfileException e =
        assertThrows(
            ProfileException.class,
            () ->
                Profiler.profile(
                    "digits-cnn", quick().optShape("input", new long[] {1, 64}).build(), p -> {}));
    assertTrue(e.getMessage().contains("input"), e.getMessage());
    assertTrue(e.getMessage().contains("[batch,1,8,8]"), e.getMessage());
  }

  @Test
  void shapeConflictingWithAFixedDimIsRefused() {
    ProfileException e =
        assertThrows(
            ProfileException.class,
            () ->
                Profiler.profile(
                    "digits-cnn",
                    quick().optShape("input", new long[] {1, 3, 8, 8}).build(),
                    p -> {}));
    assertTrue(e.getMessage().contains("input"), e.getMessage());
    assertTrue(e.getMessage().contains("dim 1"), e.getMessage());
  }

  @Test
  void shapeForAnUnknownInputIsRefused() {
    ProfileException e =
        assertThrows(
            ProfileException.class,
            () ->
                Profiler.profile(
                    "digits-cnn",
                    quick().optShape("pixels", new long[] {1, 1, 8, 8}).build(),
                    p -> {}));
    assertTrue(e.getMessage().contains("'pixels'"), e.getMessage());
    assertTrue(e.getMessage().contains("input"), e.getMessage());
  }

  @Test
  void zeroDimIsRefused() {
    ProfileException e =
        assertThrows(
            ProfileException.class,
            () ->
                Profiler.profile(
                    "digits-cnn",
                    quick().optShape("input", new long[] {0, 1, 8, 8}).build(),
                    p -> {}));
    assertTrue(e.getMessage().contains("input"), e.getMessage());
  }

  @Test
  void cudaWithoutAProviderIsRefused() {
    assumeFalse(Profiler.cudaAvailable(), "this build has CUDA");
    InfercostException e =
        assertThrows(
            InfercostException.class,
            () -> Profiler.profile("digits-cnn", quick().optCuda(true).build(), p -> {}));
    assertTrue(e.getMessage().contains("cuda"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void missingModelIsAModelException() {
    Path missing = tmp.resolve("missing.onnx");
    ModelException e =
        assertThrows(
            ModelException.class,
            () -> Profiler.profile(missing.toString(), quick().build(), p -> {}));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
  }

  @Test
  void thinKeepsAtMostTheLimitEvenlySpaced() {
    double[] s = new double[5000];
    for (int i = 0; i < s.length; i++) {
      s[i] = i;
    }
    List<Double> t = Profiler.thin(s, 2000);
    assertTrue(t.size() <= 2000 && t.size() >= 1000, "size " + t.size());
    assertEquals(0.0, t.get(0), 0);
    double step = t.get(1) - t.get(0);
    for (int i = 1; i < t.size(); i++) {
      assertEquals(step, t.get(i) - t.get(i - 1), 0, "evenly spaced");
    }
    assertEquals(List.of(0.0, 1.0, 2.0), Profiler.thin(new double[] {0, 1, 2}, 2000));
  }

  @Test
  void fixedBatchModelWithoutBatchTakesTheFirstRowOfData() throws Exception {
    Path npz = TensorFilesTest.bundledTestData("digits-cnn");
    ProfileReport rep =
        Profiler.profile(fixedBatchCnn().toString(), quick().optInputs(npz).build(), p -> {});
    assertEquals(1, rep.results().get(0).batch());
    assertEquals(Map.of("input", List.of(1L, 1L, 8L, 8L)), rep.results().get(0).inputShapes());
  }

  @Test
  void batchOnAFixedBatchModelIsAOneLineError() throws Exception {
    String model = fixedBatchCnn().toString();
    Path npz = TensorFilesTest.bundledTestData("digits-cnn");
    for (ProfileOptions o :
        List.of(
            quick().optBatches(List.of(1, 4)).build(),
            quick().optInputs(npz).optBatches(List.of(4)).build())) {
      ProfileException e =
          assertThrows(ProfileException.class, () -> Profiler.profile(model, o, p -> {}));
      assertTrue(e.getMessage().startsWith(model + ": batch size 4"), e.getMessage());
      assertEquals(Optional.of(Parameter.BATCHES), e.hint());
      assertTrue(e.getMessage().contains("fixed at 1"), e.getMessage());
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
  }

  @Test
  void djlOnATorchScriptPathWithShapesTakesTheBatch() throws Exception {
    String pt = Models.resolve("digits-mlp", ModelFormat.TORCHSCRIPT).toString();
    ProfileReport rep =
        Profiler.profile(
            pt,
            quick()
                .optEngine(Engine.DJL)
                .optShape("x", new long[] {2, 64})
                .optBatches(List.of(1, 3))
                .build(),
            p -> {});
    assertEquals(Map.of("x", List.of(1L, 64L)), rep.results().get(0).inputShapes());
    assertEquals(Map.of("x", List.of(3L, 64L)), rep.results().get(1).inputShapes());
    assertEquals(3, rep.results().get(1).batch());
  }

  @Test
  void aDecoderWithItsCacheProfilesOnAnEmptyCache() throws Exception {
    // kv = past ++ ids along the sequence, times the mask: the cache's length plus the new tokens'
    // must be the mask's, as in a decoder exported with its key/value cache. With every open dim
    // at 128 the past would make it 256 against the mask's 128.
    int int64 = TensorProto.DataType.INT64_VALUE;
    GraphProto g =
        GraphProto.newBuilder()
            .setName("decoder")
            .addInput(value("input_ids", int64, "batch", "sequence"))
            .addInput(value("attention_mask", int64, "batch", "total"))
            .addInput(floatValue("past_key_values.0.key", "batch", "past", 1L))
            .addOutput(floatValue("present.0.key", "batch", "total", 1L))
            .addInitializer(
                TensorProto.newBuilder()
                    .setName("last")
                    .setDataType(int64)
                    .addDims(1)
                    .addInt64Data(2))
            .addNode(node("Cast", List.of("input_ids"), "ids_f", 1))
            .addNode(node("Unsqueeze", List.of("ids_f", "last"), "ids_3", null))
            .addNode(node("Concat", List.of("past_key_values.0.key", "ids_3"), "kv", null))
            .addNode(node("Cast", List.of("attention_mask"), "mask_f", 1))
            .addNode(node("Unsqueeze", List.of("mask_f", "last"), "mask_3", null))
            .addNode(node("Mul", List.of("kv", "mask_3"), "present.0.key", null))
            .build();
    Path file = save(g, tmp.resolve("decoder.onnx"));
    List<String> progress = new ArrayList<>();
    ProfileReport rep = Profiler.profile(file.toString(), quick().build(), progress::add);
    assertEquals(1, rep.results().size());
    assertEquals(
        List.of(1L, 0L, 1L), rep.results().get(0).inputShapes().get("past_key_values.0.key"));
    assertTrue(
        progress.stream().anyMatch(p -> p.contains("using 0 (an empty key/value cache")),
        progress.toString());
  }

  /** A node of one output; {@code to} is Cast's target type, else null. */
  private static NodeProto node(String op, List<String> inputs, String output, Integer to) {
    NodeProto.Builder n =
        NodeProto.newBuilder().setOpType(op).setName(output).addAllInput(inputs).addOutput(output);
    if (op.equals("Concat")) {
      n.addAttribute(
          ai.onnx.proto.OnnxMl.AttributeProto.newBuilder()
              .setName("axis")
              .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INT)
              .setI(1));
    }
    if (to != null) {
      n.addAttribute(
          ai.onnx.proto.OnnxMl.AttributeProto.newBuilder()
              .setName("to")
              .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INT)
              .setI(to));
    }
    return n.build();
  }

  /** Writes {@code g} as an opset 13 model to {@code file}. */
  static Path save(GraphProto g, Path file) throws Exception {
    Models.saveOnnx(
        OnnxModel.of(
            ModelProto.newBuilder()
                .setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(g)
                .build()),
        file);
    return file;
  }

  /** A float value of {@code dims}: {@code Long} sizes, {@code String} symbols. */
  static ValueInfoProto floatValue(String name, Object... dims) {
    return value(name, TensorProto.DataType.FLOAT_VALUE, dims);
  }

  /** A value of element type {@code elemType} and {@code dims}, as {@link #floatValue}. */
  static ValueInfoProto value(String name, int elemType, Object... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (Object d : dims) {
      if (d instanceof String sym) {
        shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(sym));
      } else {
        shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue((Long) d));
      }
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape)))
        .build();
  }

  /** {@code y = x · scale}: x float [batch,4], scale a float scalar (a shape with no dims). */
  private Path scaledModel() throws Exception {
    return oneNodeModel(
        "scaled",
        NodeProto.newBuilder()
            .setOpType("Mul")
            .setName("mul")
            .addInput("x")
            .addInput("scale")
            .addOutput("y"),
        List.of(floatValue("x", "batch", 4L), floatValue("scale")),
        floatValue("y", "batch", 4L));
  }

  /** A model of {@code node} alone at opset 13, saved as {@code name}.onnx. */
  private Path oneNodeModel(
      String name,
      NodeProto.Builder node,
      List<ValueInfoProto> inputs,
      ValueInfoProto output,
      TensorProto... initializers)
      throws Exception {
    ModelProto m =
        ModelProto.newBuilder()
            .setIrVersion(8)
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
            .setGraph(
                GraphProto.newBuilder()
                    .setName(name)
                    .addAllInput(inputs)
                    .addAllInitializer(List.of(initializers))
                    .addOutput(output)
                    .addNode(node))
            .build();
    Path out = tmp.resolve(name + ".onnx");
    Models.saveOnnx(OnnxModel.of(m), out);
    return out;
  }

  @Test
  void scalarInputIsFedAsAScalar() throws Exception {
    ProfileReport rep =
        Profiler.profile(
            scaledModel().toString(), quick().optBatches(List.of(1, 3)).build(), p -> {});
    assertEquals(
        Map.of("x", List.of(1L, 4L), "scale", List.of()), rep.results().get(0).inputShapes());
    assertEquals(
        Map.of("x", List.of(3L, 4L), "scale", List.of()), rep.results().get(1).inputShapes());
    assertEquals(List.of(1, 3), rep.results().stream().map(BatchResult::batch).toList());
    assertEquals(List.of(), rep.notes());
  }
}
