package dev.infercost.models.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.base.Hashes;
import dev.infercost.models.ModelException;
import dev.infercost.models.Models;
import dev.infercost.models.OnnxModel;
import dev.infercost.models.TestModels;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layout a model over 2 GiB is written in, checked on small models (the 2 GiB model itself is
 * {@code HugeModelTest}'s, tagged {@code huge}): the split form reloads to the same model, large
 * initializers go out at 4 KiB-aligned offsets and small ones stay inline.
 */
class ExternalDataTest {
  @TempDir Path tmp;

  /** matmulAdd with two more weights: 300 floats (1200 bytes, out) and 3 floats (inline). */
  private static ModelProto model() {
    ModelProto m = TestModels.matmulAdd();
    float[] big = new float[300];
    for (int i = 0; i < big.length; i++) {
      big[i] = i * 0.25f - 7;
    }
    return m.toBuilder()
        .setGraph(
            m.getGraph().toBuilder()
                .addInitializer(TestModels.floatTensor("big_a", new long[] {300}, big))
                .addInitializer(TestModels.floatTensor("big_b", new long[] {300}, big))
                .addInitializer(
                    TestModels.floatTensor("small", new long[] {3}, new float[] {1, 2, 3})))
        .build();
  }

  private static Map<String, String> entries(TensorProto t) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    t.getExternalDataList().forEach(e -> m.put(e.getKey(), e.getValue()));
    return m;
  }

  @Test
  void theSplitFormReloadsToTheSameModel() throws Exception {
    ModelProto m = model();
    assertTrue(ExternalData.fits(m));
    ExternalData.Split split = ExternalData.split(m, "model.onnx.data");
    Path file = tmp.resolve("model.onnx");
    try (OutputStream out = Files.newOutputStream(file)) {
      split.writeProto(out);
    }
    try (OutputStream out = Files.newOutputStream(tmp.resolve("model.onnx.data"))) {
      split.writeData(out);
    }
    OnnxModel loaded = Models.loadOnnx(file);
    assertEquals(m, loaded.proto());
    assertEquals(
        Files.size(file) + Files.size(tmp.resolve("model.onnx.data")), Models.diskBytes(file));
  }

  @Test
  void largeInitializersGoOutAlignedAndSmallOnesStayInline() throws Exception {
    ExternalData.Split split = ExternalData.split(model(), "w.data");
    Map<String, TensorProto> byName = new java.util.HashMap<>();
    split.proto().getGraph().getInitializerList().forEach(t -> byName.put(t.getName(), t));
    assertEquals(
        Map.of("location", "w.data", "offset", "0", "length", "1200"),
        entries(byName.get("big_a")));
    assertEquals(
        Map.of("location", "w.data", "offset", "4096", "length", "1200"),
        entries(byName.get("big_b")));
    for (String inline : List.of("W", "B", "small")) {
      TensorProto t = byName.get(inline);
      assertEquals(TensorProto.DataLocation.DEFAULT, t.getDataLocation(), inline);
      assertFalse(t.getRawData().isEmpty(), inline);
    }
    assertEquals(List.of(0L, 4096L), split.offsets());
  }

  @Test
  void aCopyTakesItsExternalDataAlong() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("in"));
    Path file = TestModels.writeExternalModel(dir, "weights.bin");
    Path copy = Files.createDirectories(tmp.resolve("out")).resolve("kept.onnx");
    Models.copyOnnx(file, copy);
    assertEquals(
        Files.size(dir.resolve("weights.bin")), Files.size(copy.resolveSibling("weights.bin")));
    assertEquals(Models.loadOnnx(file).proto(), Models.loadOnnx(copy).proto());
    assertEquals(Models.diskBytes(file), Models.diskBytes(copy));
  }

  @Test
  void theGraphLoadLeavesExternalTensorsUnreadAndGivesTheSameFacts() throws Exception {
    Path file = TestModels.writeExternalModel(Files.createDirectories(tmp.resolve("g")), "w.bin");
    OnnxModel graph = Models.loadOnnxGraph(file);
    TensorProto w = graph.proto().getGraph().getInitializer(0);
    assertEquals(TensorProto.DataLocation.EXTERNAL, w.getDataLocation());
    assertTrue(w.getRawData().isEmpty());
    OnnxModel full = Models.loadOnnx(file);
    assertEquals(full.info(Map.of()), graph.info(Map.of()));
    assertEquals(full.fileBytes(), graph.fileBytes());
    assertThrows(
        IllegalArgumentException.class, () -> Models.saveOnnx(graph, tmp.resolve("no.onnx")));
    // Checked all the same: a truncated data file is refused without being read.
    Files.write(file.resolveSibling("w.bin"), new byte[10]);
    assertThrows(ModelException.class, () -> Models.loadOnnxGraph(file));
  }

  @Test
  void aModelUnderTheLimitHashesAsItsBytes() throws Exception {
    ModelProto m = model();
    assertEquals(Hashes.sha256(m.toByteArray()), Models.sha256(m));
  }

  @Test
  void diskBytesOfAnInlineModelIsItsFileSize() throws Exception {
    Path file =
        TestModels.writeModel(
            tmp.resolve("m.onnx"), TestModels.matmulAdd().getGraph().getInitializer(0));
    assertEquals(Files.size(file), Models.diskBytes(file));
  }
}
