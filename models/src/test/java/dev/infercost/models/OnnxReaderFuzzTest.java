package dev.infercost.models;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.infercost.base.ReaderFuzz;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Fuzz tests of the ONNX readers (see {@code dev.infercost.base.ReaderFuzz}): the protobuf parse,
 * the structural checks, external data and the inspection {@code infercost inspect} prints. Each
 * input is a model file in a folder that also holds an external data file ({@code w.bin}, 64 bytes)
 * and a subfolder, so fuzzed locations find something to read. Seeds and past findings are in
 * {@code OnnxReaderFuzzTestInputs/<method>/}.
 */
class OnnxReaderFuzzTest {
  /** The whole input is the model file; inspected at its declared shapes. */
  @FuzzTest
  void model(byte[] onnx) throws Exception {
    Path file = ReaderFuzz.write(folder(), "model.onnx", onnx);
    ReaderFuzz.check(() -> inspect(file, Map.of()));
  }

  /**
   * Input shapes as {@code --shape} gives them (up to four inputs named {@code x}, {@code a},
   * {@code b}, {@code c}), then the model file.
   */
  @FuzzTest
  void modelAtShapes(FuzzedDataProvider data) throws Exception {
    Map<String, long[]> shapes = new HashMap<>();
    for (String name : new String[] {"x", "a", "b", "c"}) {
      if (data.consumeBoolean()) {
        long[] dims = new long[data.consumeInt(0, 6)];
        for (int i = 0; i < dims.length; i++) {
          dims[i] = data.consumeLong();
        }
        shapes.put(name, dims);
      }
    }
    Path file = ReaderFuzz.write(folder(), "model.onnx", data.consumeRemainingAsBytes());
    ReaderFuzz.check(() -> inspect(file, shapes));
  }

  private static void inspect(Path file, Map<String, long[]> shapes) throws ModelException {
    Models.formatOf(file);
    Models.inputSpecs(file);
    OnnxModel m = Models.loadOnnx(file);
    m.info(shapes);
    m.valueShapes(shapes).apply("y");
  }

  private static Path folder() throws Exception {
    Path dir = ReaderFuzz.scratch();
    byte[] w = new byte[64];
    for (int i = 0; i < w.length; i++) {
      w[i] = (byte) i;
    }
    ReaderFuzz.write(dir, "w.bin", w);
    Files.createDirectory(dir.resolve("sub"));
    return dir;
  }
}
