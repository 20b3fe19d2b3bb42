package dev.infercost.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Models#inputSpecs}: the same inputs as a full load, without loading weights. */
class ModelsInputSpecsTest {
  @TempDir Path dir;

  @Test
  void sameInputsAsAFullLoadForEveryBuiltin() throws Exception {
    for (BuiltinModel b : Models.builtins()) {
      Path p = Models.resolve(b.name(), ModelFormat.ONNX);
      assertEquals(Models.loadOnnx(p).info(Map.of()).inputs(), Models.inputSpecs(p), b.name());
    }
  }

  @Test
  void initializersListedAsInputsAreNotInputs() throws Exception {
    Path file = dir.resolve("m.onnx");
    Files.write(
        file,
        TestModels.matmulAdd(TestModels.matmulAdd().getGraph().getInitializer(0), true)
            .toByteArray());
    assertEquals(Models.loadOnnx(file).info(Map.of()).inputs(), Models.inputSpecs(file));
  }

  @Test
  void aCorruptFileIsRefusedLikeAFullLoad() throws Exception {
    Path file = dir.resolve("bad.onnx");
    Files.write(file, new byte[] {8, 7, 0x3a, 0x7f, 1, 2});
    ModelException e = assertThrows(ModelException.class, () -> Models.inputSpecs(file));
    assertEquals(
        assertThrows(ModelException.class, () -> Models.loadOnnx(file)).getMessage(),
        e.getMessage());
  }
}
