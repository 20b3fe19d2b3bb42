package dev.infercost.models;

import static dev.infercost.models.ModelsLoadSaveTest.assertOneLineNaming;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Initializers stored as external data: read into memory on load, and refused when the location
 * leaves the model's directory or the file is missing.
 */
class ModelsExternalDataTest {
  @TempDir Path tmp;

  private Path modelDir() throws Exception {
    return Files.createDirectories(tmp.resolve("model"));
  }

  private static TensorProto weight(OnnxModel m) {
    return m.proto().getGraph().getInitializerList().stream()
        .filter(t -> t.getName().equals("W"))
        .findFirst()
        .orElseThrow();
  }

  private static ModelException refused(Path file) {
    ModelException e = assertThrows(ModelException.class, () -> Models.loadOnnx(file));
    assertOneLineNaming(file, e);
    return e;
  }

  private static Path writeWith(Path dir, String location) throws Exception {
    return TestModels.writeModel(
        dir.resolve("model.onnx"),
        TestModels.externalTensor("W", new long[] {4, 3}, location, 0, 48));
  }

  @Test
  void externalWeightLoadsWithTheOriginalValues() throws Exception {
    Path dir = modelDir();
    Path file = TestModels.writeExternalModel(dir, "weights.bin");
    OnnxModel m = Models.loadOnnx(file);
    TensorProto w = weight(m);
    assertEquals(TensorProto.DataLocation.DEFAULT, w.getDataLocation());
    assertEquals(0, w.getExternalDataCount());
    assertArrayEquals(
        TestModels.MATMUL_W,
        TestModels.floats(w.getRawData().asReadOnlyByteBuffer()),
        0f,
        "bit-exact");
    assertEquals(Files.size(file) + Files.size(dir.resolve("weights.bin")), m.fileBytes());
    // With the weight inlined, the model is exactly the one built in memory.
    assertEquals(TestModels.matmulAdd(), m.proto());
  }

  @Test
  void loadedExternalModelIsSelfContainedWhenSaved() throws Exception {
    Path file = TestModels.writeExternalModel(modelDir(), "weights.bin");
    OnnxModel m = Models.loadOnnx(file);
    Path out = Files.createDirectories(tmp.resolve("elsewhere")).resolve("inlined.onnx");
    Models.saveOnnx(m, out);
    float[] x = {1, -2, 0.5f, 3, 0, 0, 1, 1};
    assertArrayEquals(
        TestModels.matmulAddReference(x),
        TestModels.runOrt(out, "x", new long[] {2, 4}, x),
        1e-5f,
        "tolerance 1e-5");
  }

  @Test
  void onnxRuntimeReadsTheSameExternalModel() throws Exception {
    Path file = TestModels.writeExternalModel(modelDir(), "weights.bin");
    float[] x = {1, 2, 3, 4};
    assertArrayEquals(
        TestModels.matmulAddReference(x),
        TestModels.runOrt(file, "x", new long[] {1, 4}, x),
        1e-5f,
        "tolerance 1e-5");
  }

  @Test
  void externalDataInASubdirectoryLoads() throws Exception {
    Path dir = modelDir();
    Files.createDirectories(dir.resolve("data"));
    Files.write(dir.resolve("data/w.bin"), TestModels.floatBytes(TestModels.MATMUL_W));
    Path file =
        TestModels.writeModel(
            dir.resolve("model.onnx"),
            TestModels.externalTensor("W", new long[] {4, 3}, "data/w.bin", -1, -1));
    OnnxModel m = Models.loadOnnx(file);
    assertArrayEquals(
        TestModels.MATMUL_W,
        TestModels.floats(weight(m).getRawData().asReadOnlyByteBuffer()),
        0f,
        "bit-exact");
  }

  @Test
  void modelInfoCountsExternalParameters() throws Exception {
    Path file = TestModels.writeExternalModel(modelDir(), "weights.bin");
    ModelInfo info = Models.loadOnnx(file).info(Map.of("x", new long[] {2, 4}));
    assertEquals(15, info.parameters());
    assertEquals(60, info.parameterBytes());
    assertEquals(24L, info.macs());
  }

  @Test
  void dotDotLocationIsRefused() throws Exception {
    Path dir = modelDir();
    Files.write(tmp.resolve("outside.bin"), TestModels.floatBytes(TestModels.MATMUL_W));
    ModelException e = refused(writeWith(dir, "../outside.bin"));
    assertTrue(e.getMessage().contains("../outside.bin"), e.getMessage());
  }

  @Test
  void dotDotInsideAPathIsRefused() throws Exception {
    Path dir = modelDir();
    Files.createDirectories(dir.resolve("sub"));
    Files.write(tmp.resolve("outside.bin"), TestModels.floatBytes(TestModels.MATMUL_W));
    refused(writeWith(dir, "sub/../../outside.bin"));
  }

  @Test
  void absoluteLocationIsRefused() throws Exception {
    Path dir = modelDir();
    Path outside =
        Files.write(tmp.resolve("outside.bin"), TestModels.floatBytes(TestModels.MATMUL_W));
    ModelException e = refused(writeWith(dir, outside.toAbsolutePath().toString()));
    assertTrue(e.getMessage().contains("absolute"), e.getMessage());
  }

  @Test
  void absoluteLocationInsideTheDirectoryIsStillRefused() throws Exception {
    Path dir = modelDir();
    Path inside = Files.write(dir.resolve("w.bin"), TestModels.floatBytes(TestModels.MATMUL_W));
    refused(writeWith(dir, inside.toAbsolutePath().toString()));
  }

  @Test
  void missingExternalFileIsAClearError() throws Exception {
    ModelException e = refused(writeWith(modelDir(), "gone.bin"));
    assertTrue(e.getMessage().contains("gone.bin"), e.getMessage());
    assertTrue(e.getMessage().contains("missing"), e.getMessage());
  }

  @Test
  void truncatedExternalFileIsAClearError() throws Exception {
    Path dir = modelDir();
    Files.write(dir.resolve("short.bin"), new byte[20]);
    ModelException e = refused(writeWith(dir, "short.bin"));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void symlinkPointingOutsideIsRefused() throws Exception {
    Path dir = modelDir();
    Path outside =
        Files.write(tmp.resolve("outside.bin"), TestModels.floatBytes(TestModels.MATMUL_W));
    Files.createSymbolicLink(dir.resolve("w.bin"), outside);
    ModelException e = refused(writeWith(dir, "w.bin"));
    assertTrue(e.getMessage().contains("w.bin"), e.getMessage());
  }

  @Test
  void symlinkedDirectoryPointingOutsideIsRefused() throws Exception {
    Path dir = modelDir();
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Files.write(elsewhere.resolve("w.bin"), TestModels.floatBytes(TestModels.MATMUL_W));
    Files.createSymbolicLink(dir.resolve("data"), elsewhere);
    refused(writeWith(dir, "data/w.bin"));
  }

  @Test
  void symlinkInsideTheDirectoryIsAllowed() throws Exception {
    Path dir = modelDir();
    Files.write(dir.resolve("real.bin"), TestModels.floatBytes(TestModels.MATMUL_W));
    Files.createSymbolicLink(dir.resolve("w.bin"), dir.resolve("real.bin"));
    OnnxModel m = Models.loadOnnx(writeWith(dir, "w.bin"));
    assertArrayEquals(
        TestModels.MATMUL_W,
        TestModels.floats(weight(m).getRawData().asReadOnlyByteBuffer()),
        0f,
        "bit-exact");
  }

  @Test
  void modelReachedThroughASymlinkedDirectoryLoads() throws Exception {
    Path dir = modelDir();
    TestModels.writeExternalModel(dir, "weights.bin");
    Path alias = Files.createSymbolicLink(tmp.resolve("alias"), dir);
    OnnxModel m = Models.loadOnnx(alias.resolve("model.onnx"));
    assertFalse(weight(m).getRawData().isEmpty());
  }

  /**
   * matmulAdd whose bias comes from a Constant node (not an initializer) whose value tensor is
   * stored externally at {@code location}; ONNX's external-data helpers move attribute tensors out
   * too, and ONNX Runtime reads them.
   */
  private static Path writeConstantExternal(Path dir, String location) throws Exception {
    TensorProto bias = TestModels.externalTensor("Bc", new long[] {3}, location, 0, 12);
    NodeProto constant =
        TestModels.node("Constant", "bias", List.of(), List.of("B")).toBuilder()
            .addAttribute(
                AttributeProto.newBuilder()
                    .setName("value")
                    .setType(AttributeProto.AttributeType.TENSOR)
                    .setT(bias))
            .build();
    ModelProto base = TestModels.matmulAdd();
    GraphProto g =
        base.getGraph().toBuilder()
            .removeInitializer(1) // B
            .addNode(0, constant)
            .build();
    Path file = dir.resolve("model.onnx");
    Files.write(file, base.toBuilder().setGraph(g).build().toByteArray());
    return file;
  }

  @Test
  void onnxRuntimeReadsExternalConstantAttributes() throws Exception {
    Path dir = modelDir();
    Files.write(dir.resolve("bias.bin"), TestModels.floatBytes(TestModels.MATMUL_B));
    Path file = writeConstantExternal(dir, "bias.bin");
    float[] x = {1, 2, 3, 4};
    assertArrayEquals(
        TestModels.matmulAddReference(x),
        TestModels.runOrt(file, "x", new long[] {1, 4}, x),
        1e-5f,
        "tolerance 1e-5");
  }

  @Test
  void externalConstantAttributeIsInlined() throws Exception {
    Path dir = modelDir();
    Files.write(dir.resolve("bias.bin"), TestModels.floatBytes(TestModels.MATMUL_B));
    Path file = writeConstantExternal(dir, "bias.bin");
    OnnxModel m = Models.loadOnnx(file);
    TensorProto t = m.proto().getGraph().getNode(0).getAttribute(0).getT();
    assertEquals(TensorProto.DataLocation.DEFAULT, t.getDataLocation());
    assertEquals(Files.size(file) + 12, m.fileBytes());
    Path out = Files.createDirectories(tmp.resolve("elsewhere")).resolve("inlined.onnx");
    Models.saveOnnx(m, out);
    float[] x = {1, 2, 3, 4};
    assertArrayEquals(
        TestModels.matmulAddReference(x),
        TestModels.runOrt(out, "x", new long[] {1, 4}, x),
        1e-5f,
        "tolerance 1e-5");
  }

  @Test
  void escapingConstantAttributeLocationIsRefused() throws Exception {
    Path dir = modelDir();
    Files.write(tmp.resolve("secret.bin"), TestModels.floatBytes(TestModels.MATMUL_B));
    refused(writeConstantExternal(dir, "../secret.bin"));
  }

  @Test
  void externalTensorWithoutLocationIsRefused() throws Exception {
    TensorProto noLocation =
        TestModels.externalTensor("W", new long[] {4, 3}, "x", 0, 48).toBuilder()
            .clearExternalData()
            .build();
    refused(TestModels.writeModel(modelDir().resolve("model.onnx"), noLocation));
  }

  @Test
  void badOffsetIsRefused() throws Exception {
    Path dir = modelDir();
    Files.write(dir.resolve("w.bin"), TestModels.floatBytes(TestModels.MATMUL_W));
    TensorProto t =
        TestModels.externalTensor("W", new long[] {4, 3}, "w.bin", -1, -1).toBuilder()
            .addExternalData(
                ai.onnx.proto.OnnxMl.StringStringEntryProto.newBuilder()
                    .setKey("offset")
                    .setValue("twelve"))
            .build();
    ModelException e = refused(TestModels.writeModel(dir.resolve("model.onnx"), t));
    assertTrue(e.getMessage().contains("twelve"), e.getMessage());
  }

  /**
   * matmulAdd plus a node holding {@code location}'s tensor in a {@code tensors} attribute and an
   * If node whose then-branch holds it in a Constant: external data in attribute lists and in
   * subgraphs. Loaded only, never run.
   */
  private static Path writeNestedExternal(Path dir, String listLocation, String branchLocation)
      throws Exception {
    NodeProto holder =
        TestModels.node("TensorHolder", "holder", List.of(), List.of("h")).toBuilder()
            .addAttribute(
                AttributeProto.newBuilder()
                    .setName("values")
                    .setType(AttributeProto.AttributeType.TENSORS)
                    .addTensors(TestModels.floatTensor("inline", new long[] {1}, new float[] {9}))
                    .addTensors(
                        TestModels.externalTensor("Bl", new long[] {3}, listLocation, 0, 12)))
            .build();
    NodeProto constant =
        TestModels.node("Constant", "bias2", List.of(), List.of("B2")).toBuilder()
            .addAttribute(
                AttributeProto.newBuilder()
                    .setName("value")
                    .setType(AttributeProto.AttributeType.TENSOR)
                    .setT(TestModels.externalTensor("Bb", new long[] {3}, branchLocation, 0, 12)))
            .build();
    GraphProto branch =
        GraphProto.newBuilder()
            .setName("then")
            .addNode(constant)
            .addOutput(TestModels.floatInput("B2", 3L))
            .build();
    NodeProto iff =
        TestModels.node("If", "if", List.of("x"), List.of("z")).toBuilder()
            .addAttribute(TestModels.graphAttr("then_branch", branch))
            .build();
    ModelProto base = TestModels.matmulAdd();
    GraphProto g = base.getGraph().toBuilder().addNode(holder).addNode(iff).build();
    Path file = dir.resolve("model.onnx");
    Files.write(file, base.toBuilder().setGraph(g).build().toByteArray());
    return file;
  }

  @Test
  void externalTensorsInAttributeListsAndSubgraphsAreInlined() throws Exception {
    Path dir = modelDir();
    Files.write(dir.resolve("bias.bin"), TestModels.floatBytes(TestModels.MATMUL_B));
    Path file = writeNestedExternal(dir, "bias.bin", "./bias.bin");
    OnnxModel m = Models.loadOnnx(file);
    GraphProto g = m.proto().getGraph();
    TensorProto inList = g.getNode(2).getAttribute(0).getTensors(1);
    TensorProto inBranch = g.getNode(3).getAttribute(0).getG().getNode(0).getAttribute(0).getT();
    for (TensorProto t : List.of(inList, inBranch)) {
      assertEquals(TensorProto.DataLocation.DEFAULT, t.getDataLocation(), t.getName());
      assertEquals(0, t.getExternalDataCount(), t.getName());
      assertArrayEquals(
          TestModels.MATMUL_B,
          TestModels.floats(t.getRawData().asReadOnlyByteBuffer()),
          0f,
          "bit-exact");
    }
    assertEquals(
        TestModels.floatTensor("inline", new long[] {1}, new float[] {9}),
        g.getNode(2).getAttribute(0).getTensors(0));
    assertEquals(Files.size(file) + 12, m.fileBytes(), "bias.bin counted once");
  }

  @Test
  void escapingLocationsInAttributeListsAndSubgraphsAreRefused() throws Exception {
    Path dir = modelDir();
    Files.write(dir.resolve("bias.bin"), TestModels.floatBytes(TestModels.MATMUL_B));
    Files.write(tmp.resolve("secret.bin"), TestModels.floatBytes(TestModels.MATMUL_B));
    ModelException inList = refused(writeNestedExternal(dir, "../secret.bin", "bias.bin"));
    assertTrue(inList.getMessage().contains("escapes"), inList.getMessage());
    ModelException inBranch = refused(writeNestedExternal(dir, "bias.bin", "../secret.bin"));
    assertTrue(inBranch.getMessage().contains("escapes"), inBranch.getMessage());
    String absolute = tmp.resolve("secret.bin").toString();
    ModelException abs = refused(writeNestedExternal(dir, "bias.bin", absolute));
    assertTrue(abs.getMessage().contains("absolute"), abs.getMessage());
  }

  @Test
  void locationWithALineBreakGivesAOneLineMessage() throws Exception {
    ModelException e = refused(writeWith(modelDir(), "weights\n.bin"));
    assertTrue(e.getMessage().contains("weights\\n.bin"), e.getMessage());
  }
}
