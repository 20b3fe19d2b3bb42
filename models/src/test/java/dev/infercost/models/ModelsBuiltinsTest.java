package dev.infercost.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link Models#builtins()}, {@link Models#resolve} and {@link Models#builtinFile}. */
class ModelsBuiltinsTest {
  @Test
  void builtinNamesInListingOrder() {
    assertEquals(
        List.of("digits-mlp", "digits-cnn", "minilm-l6"),
        Models.builtins().stream().map(BuiltinModel::name).toList());
  }

  @Test
  void cacheIsTheConfiguredFolder() throws Exception {
    String cache = System.getProperty("infercost.cache");
    Path p = Models.resolve("digits-mlp", ModelFormat.ONNX);
    if (cache != null) {
      assertTrue(
          p.toAbsolutePath().startsWith(Path.of(cache).toAbsolutePath()),
          p + " is not under " + cache);
    }
  }

  @Test
  void eachBuiltinResolvesToAnExistingFileOfTheRightSize() throws Exception {
    for (BuiltinModel b : Models.builtins()) {
      Path p = Models.resolve(b.name(), ModelFormat.ONNX);
      assertTrue(Files.isRegularFile(p), p.toString());
      assertEquals(Models.builtinSize(b), Files.size(p), b.name());
      assertTrue(Models.builtinSize(b) > 0, b.name());
      assertEquals(ModelFormat.ONNX, Models.formatOf(p));
    }
  }

  @Test
  void resolvingTwiceGivesTheSamePath() throws Exception {
    for (BuiltinModel b : Models.builtins()) {
      Path first = Models.resolve(b.name(), ModelFormat.ONNX);
      long modified = Files.getLastModifiedTime(first).toMillis();
      Path second = Models.resolve(b.name(), ModelFormat.ONNX);
      assertEquals(first, second);
      assertEquals(modified, Files.getLastModifiedTime(second).toMillis(), "not re-extracted");
    }
  }

  @Test
  void torchScriptTwins() throws Exception {
    for (String name : List.of("digits-mlp", "digits-cnn")) {
      Path pt = Models.resolve(name, ModelFormat.TORCHSCRIPT);
      assertTrue(Files.isRegularFile(pt), pt.toString());
      assertTrue(pt.getFileName().toString().endsWith(".pt"), pt.toString());
      assertEquals(ModelFormat.TORCHSCRIPT, Models.formatOf(pt));
      assertEquals(pt, Models.resolve(name, ModelFormat.TORCHSCRIPT));
    }
  }

  @Test
  void miniLmHasNoTorchScriptTwin() {
    ModelException e =
        assertThrows(
            ModelException.class, () -> Models.resolve("minilm-l6", ModelFormat.TORCHSCRIPT));
    assertTrue(e.getMessage().startsWith("minilm-l6: "), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void unknownNameIsTakenAsAPath() throws Exception {
    assertEquals(Path.of("no-such-model"), Models.resolve("no-such-model", ModelFormat.ONNX));
    assertEquals(
        Path.of("some/dir/model.onnx"), Models.resolve("some/dir/model.onnx", ModelFormat.ONNX));
    assertEquals(Path.of("Digits-CNN"), Models.resolve("Digits-CNN", ModelFormat.TORCHSCRIPT));
  }

  @Test
  void builtinLookup() {
    assertTrue(Models.builtin("digits-cnn").isPresent());
    assertEquals(Optional.empty(), Models.builtin("digits"));
    BuiltinModel mini = Models.builtin("minilm-l6").orElseThrow();
    assertTrue(mini.tokenizerResource().isPresent());
    assertTrue(mini.testDataResource().orElseThrow().endsWith("sentences-eval.txt"));
    assertTrue(mini.calibrationDataResource().orElseThrow().endsWith("sentences-calib.txt"));
    assertTrue(mini.torchScriptResource().isEmpty());
  }

  @Test
  void testDataIsExtracted() throws Exception {
    for (String name : List.of("digits-mlp", "digits-cnn")) {
      BuiltinModel b = Models.builtin(name).orElseThrow();
      Path data = Models.builtinFile(b, b.testDataResource().orElseThrow());
      assertTrue(Files.isRegularFile(data), data.toString());
      assertTrue(data.getFileName().toString().endsWith(".npz"));
      var arrays = TestModels.readNpz(data);
      assertEquals(List.of("input", "label"), List.copyOf(arrays.keySet()));
      assertEquals(450, arrays.get("input").shape()[0]);
      assertEquals("<f4", arrays.get("input").descr());
      assertEquals("<i8", arrays.get("label").descr());
    }
  }

  @Test
  void tokenizerIsExtracted() throws Exception {
    BuiltinModel b = Models.builtin("minilm-l6").orElseThrow();
    Path tok = Models.builtinFile(b, b.tokenizerResource().orElseThrow());
    assertTrue(Files.size(tok) > 0);
    assertTrue(Files.readString(tok).contains("\"vocab\""));
  }

  @Test
  void missingResourceIsAModelException() {
    BuiltinModel b = Models.builtin("digits-cnn").orElseThrow();
    ModelException e =
        assertThrows(ModelException.class, () -> Models.builtinFile(b, "no/such/resource.bin"));
    assertTrue(e.getMessage().contains("no/such/resource.bin"), e.getMessage());
  }
}
