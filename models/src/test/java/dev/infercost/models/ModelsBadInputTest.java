package dev.infercost.models;

import static dev.infercost.models.ModelsLoadSaveTest.assertOneLineNaming;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Models#loadOnnx} refuses files that are no ONNX model with a {@link ModelException} whose
 * message is one line naming the file.
 */
class ModelsBadInputTest {
  @TempDir Path tmp;

  private static ModelException refused(Path file) {
    ModelException e = assertThrows(ModelException.class, () -> Models.loadOnnx(file));
    assertOneLineNaming(file, e);
    return e;
  }

  @Test
  void missingFile() {
    ModelException e = refused(tmp.resolve("missing.onnx"));
    assertTrue(e.getMessage().contains("no such file"), e.getMessage());
  }

  @Test
  void directory() {
    ModelException e = refused(tmp);
    assertTrue(e.getMessage().contains("directory"), e.getMessage());
  }

  @Test
  void emptyFile() throws Exception {
    ModelException e = refused(Files.createFile(tmp.resolve("empty.onnx")));
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42, 20240601})
  void randomBytes(long seed) throws Exception {
    byte[] junk = new byte[4096];
    new Random(seed).nextBytes(junk);
    refused(Files.write(tmp.resolve("random-" + seed + ".onnx"), junk));
  }

  @Test
  void truncatedFixture() throws Exception {
    byte[] full = Files.readAllBytes(Models.resolve("digits-cnn", ModelFormat.ONNX));
    Path half = Files.write(tmp.resolve("half.onnx"), Arrays.copyOf(full, full.length / 2));
    refused(half);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 100, 1000, 30000, 40000})
  void fixtureTruncatedAnywhere(int keep) throws Exception {
    byte[] full = Files.readAllBytes(Models.resolve("digits-cnn", ModelFormat.ONNX));
    Path cut =
        Files.write(tmp.resolve("cut.onnx"), Arrays.copyOf(full, Math.min(keep, full.length - 1)));
    refused(cut);
  }

  @Test
  void torchScriptPassedAsOnnx() throws Exception {
    Path pt = Models.resolve("digits-mlp", ModelFormat.TORCHSCRIPT);
    ModelException e = refused(pt);
    assertTrue(e.getMessage().contains("zip"), e.getMessage());
    assertEquals(ModelFormat.TORCHSCRIPT, Models.formatOf(pt));
  }

  @Test
  void textFile() throws Exception {
    refused(Files.writeString(tmp.resolve("notes.onnx"), "this is not a model\nat all\n"));
  }

  @Test
  void protobufWithoutGraph() throws Exception {
    ModelProto noGraph = TestModels.matmulAdd().toBuilder().clearGraph().build();
    refused(Files.write(tmp.resolve("nograph.onnx"), noGraph.toByteArray()));
  }

  @Test
  void graphWithoutOutputs() throws Exception {
    ModelProto m = TestModels.matmulAdd();
    ModelProto noOut = m.toBuilder().setGraph(m.getGraph().toBuilder().clearOutput()).build();
    refused(Files.write(tmp.resolve("noout.onnx"), noOut.toByteArray()));
  }

  @Test
  void nodeReadingAnUnknownValue() throws Exception {
    ModelProto m = TestModels.matmulAdd();
    GraphProto g =
        m.getGraph().toBuilder()
            .setNode(1, TestModels.node("Add", "add", List.of("nowhere", "B"), List.of("y")))
            .build();
    ModelException e =
        refused(
            Files.write(
                tmp.resolve("dangling.onnx"), m.toBuilder().setGraph(g).build().toByteArray()));
    assertTrue(e.getMessage().contains("nowhere"), e.getMessage());
  }

  @Test
  void corruptNameWithANewlineStillGivesAOneLineMessage() throws Exception {
    ModelProto m = TestModels.matmulAdd();
    GraphProto g =
        m.getGraph().toBuilder()
            .setNode(1, TestModels.node("Add", "add", List.of("no\nwhere", "B"), List.of("y")))
            .build();
    refused(
        Files.write(tmp.resolve("newline.onnx"), m.toBuilder().setGraph(g).build().toByteArray()));
  }

  @Test
  void formatOfMissingFile() {
    Path missing = tmp.resolve("nope.pt");
    ModelException e = assertThrows(ModelException.class, () -> Models.formatOf(missing));
    assertOneLineNaming(missing, e);
  }
}
