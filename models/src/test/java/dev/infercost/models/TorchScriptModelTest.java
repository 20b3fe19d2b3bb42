package dev.infercost.models;

import static dev.infercost.models.ModelsLoadSaveTest.assertOneLineNaming;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.models.TestModels.NpyArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link TorchScriptModel} on the bundled TorchScript twins, against ONNX Runtime. */
class TorchScriptModelTest {
  private static final float TOL = 1e-4f;

  @TempDir Path tmp;

  private static TorchScriptModel load(String name) throws ModelException {
    return Models.loadTorchScript(Models.resolve(name, ModelFormat.TORCHSCRIPT), false);
  }

  private static NpyArray testInput(String name) throws Exception {
    BuiltinModel b = Models.builtin(name).orElseThrow();
    Map<String, NpyArray> arrays =
        TestModels.readNpz(Models.builtinFile(b, b.testDataResource().orElseThrow()));
    return arrays.get("input");
  }

  @Test
  void mlpParameters() throws Exception {
    try (TorchScriptModel m = load("digits-mlp")) {
      assertEquals(
          List.of(
              new TorchScriptModel.ParameterInfo(
                  "net.0.weight", List.of(64L, 64L), DType.FLOAT32, 4096),
              new TorchScriptModel.ParameterInfo("net.0.bias", List.of(64L), DType.FLOAT32, 64),
              new TorchScriptModel.ParameterInfo(
                  "net.2.weight", List.of(10L, 64L), DType.FLOAT32, 640),
              new TorchScriptModel.ParameterInfo("net.2.bias", List.of(10L), DType.FLOAT32, 10)),
          m.parameters());
      assertEquals(4810, m.parameterCount());
      assertEquals(19240, m.parameterBytes());
      assertEquals("cpu()", m.device());
      assertEquals(Models.resolve("digits-mlp", ModelFormat.TORCHSCRIPT), m.file());
    }
  }

  @Test
  void cnnParameterCountMatchesTheOnnxTwin() throws Exception {
    ModelInfo onnx = Models.loadOnnx(Models.resolve("digits-cnn", ModelFormat.ONNX)).info(Map.of());
    try (TorchScriptModel m = load("digits-cnn")) {
      assertEquals(onnx.parameters(), m.parameterCount());
      assertEquals(onnx.parameterBytes(), m.parameterBytes());
      assertEquals(8, m.parameters().size());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"digits-mlp", "digits-cnn"})
  void forwardMatchesOnnxRuntime(String name) throws Exception {
    NpyArray input = testInput(name);
    float[] x = input.asFloats();
    float[] expected =
        TestModels.runOrt(Models.resolve(name, ModelFormat.ONNX), "input", input.shape(), x);
    try (TorchScriptModel m = load(name)) {
      List<Tensor> out = m.forward(List.of(Tensor.ofFloats("input", input.shape(), x)));
      assertEquals(1, out.size());
      Tensor y = out.get(0);
      assertEquals(DType.FLOAT32, y.dtype());
      assertArrayEquals(new long[] {450, 10}, y.shape());
      assertArrayEquals(expected, y.toFloats(), TOL, "abs tolerance 1e-4");
    }
  }

  @Test
  void forwardOnSyntheticInputMatchesOnnxRuntime() throws Exception {
    float[] x = new float[3 * 64];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.sin(i * 0.37);
    }
    long[] shape = {3, 64};
    float[] expected =
        TestModels.runOrt(Models.resolve("digits-mlp", ModelFormat.ONNX), "input", shape, x);
    try (TorchScriptModel m = load("digits-mlp")) {
      float[] y = m.forward(List.of(Tensor.ofFloats("input", shape, x))).get(0).toFloats();
      assertArrayEquals(expected, y, TOL, "abs tolerance 1e-4");
    }
  }

  @Test
  void preparedRunsRepeatedly() throws Exception {
    try (TorchScriptModel m = load("digits-mlp");
        TorchScriptModel.Prepared p =
            m.prepare(List.of(Tensor.ofFloats("input", new long[] {2, 64}, new float[128])))) {
      for (int i = 0; i < 3; i++) {
        assertDoesNotThrow(p::run);
      }
    }
  }

  @Test
  void wrongInputShapeIsAModelException() throws Exception {
    try (TorchScriptModel m = load("digits-mlp")) {
      ModelException e =
          assertThrows(
              ModelException.class,
              () -> m.forward(List.of(Tensor.ofFloats("input", new long[] {2, 5}, new float[10]))));
      assertOneLineNaming(m.file(), e);
    }
  }

  @Test
  void closeIsIdempotentAndUseAfterCloseThrows() throws Exception {
    try (TorchScriptModel m = load("digits-mlp")) {
      TorchScriptModel.Prepared p =
          m.prepare(List.of(Tensor.ofFloats("input", new long[] {1, 64}, new float[64])));
      p.close();
      m.close();
      assertDoesNotThrow(m::close);
      assertUnusable(m);
    } // and a third close here
  }

  private static void assertUnusable(TorchScriptModel m) {
    assertThrows(IllegalStateException.class, m::parameters);
    assertThrows(IllegalStateException.class, m::parameterCount);
    assertThrows(
        IllegalStateException.class,
        () -> m.forward(List.of(Tensor.ofFloats("input", new long[] {1, 64}, new float[64]))));
    assertThrows(
        IllegalStateException.class,
        () -> m.prepare(List.of(Tensor.ofFloats("input", new long[] {1, 64}, new float[64]))));
  }

  @Test
  void preparedRunAfterModelCloseThrows() throws Exception {
    try (TorchScriptModel m = load("digits-mlp");
        TorchScriptModel.Prepared p =
            m.prepare(List.of(Tensor.ofFloats("input", new long[] {1, 64}, new float[64])))) {
      m.close();
      assertThrows(IllegalStateException.class, p::run);
    }
  }

  @Test
  void onnxFileIsRefused() throws Exception {
    Path onnx = Models.resolve("digits-mlp", ModelFormat.ONNX);
    ModelException e =
        assertThrows(ModelException.class, () -> Models.loadTorchScript(onnx, false));
    assertOneLineNaming(onnx, e);
  }

  @Test
  void missingFileIsRefused() {
    Path missing = tmp.resolve("missing.pt");
    ModelException e =
        assertThrows(ModelException.class, () -> Models.loadTorchScript(missing, false));
    assertOneLineNaming(missing, e);
  }

  @Test
  void emptyFileIsRefused() throws Exception {
    Path empty = Files.createFile(tmp.resolve("empty.pt"));
    ModelException e =
        assertThrows(ModelException.class, () -> Models.loadTorchScript(empty, false));
    assertOneLineNaming(empty, e);
  }

  @Test
  void zipThatIsNoTorchScriptIsRefused() throws Exception {
    BuiltinModel b = Models.builtin("digits-mlp").orElseThrow();
    Path npz = Models.builtinFile(b, b.testDataResource().orElseThrow());
    Path zip = Files.copy(npz, tmp.resolve("data.pt"));
    ModelException e = assertThrows(ModelException.class, () -> Models.loadTorchScript(zip, false));
    assertOneLineNaming(zip, e);
  }

  @Test
  void truncatedTorchScriptIsRefused() throws Exception {
    byte[] full = Files.readAllBytes(Models.resolve("digits-mlp", ModelFormat.TORCHSCRIPT));
    Path cut = Files.write(tmp.resolve("cut.pt"), java.util.Arrays.copyOf(full, full.length / 2));
    ModelException e = assertThrows(ModelException.class, () -> Models.loadTorchScript(cut, false));
    assertOneLineNaming(cut, e);
  }

  @Test
  void cudaWithoutGpuIsRefused() throws Exception {
    Path pt = Models.resolve("digits-mlp", ModelFormat.TORCHSCRIPT);
    org.junit.jupiter.api.Assumptions.assumeTrue(
        ai.djl.engine.Engine.getEngine("PyTorch").getGpuCount() == 0, "a CUDA GPU is present");
    ModelException e = assertThrows(ModelException.class, () -> Models.loadTorchScript(pt, true));
    assertOneLineNaming(pt, e);
    assertTrue(e.getMessage().contains("cuda"), e.getMessage());
  }
}
