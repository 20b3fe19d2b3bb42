package dev.infercost.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infercost.models.Models;
import dev.infercost.models.OnnxModel;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model whose weights pass protobuf's 2 GiB ceiling ({@link OverTwoGibModel}, in external data)
 * loads, inspects, compresses and saves. Tagged {@code huge} (excluded from the default build: it
 * writes 2.7 GB to the temporary folder and its command-line runs take a 6 GB heap and about two
 * minutes); run it with {@code benchmarks/huge-model}.
 */
@Tag("huge")
class HugeModelTest {
  @TempDir Path tmp;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> HEAP = List.of("-Xmx6g");

  /** The model's output for an input of ones, run by ONNX Runtime from {@code file}. */
  private static float[] run(Path file) throws Exception {
    float[] x = new float[OverTwoGibModel.K];
    java.util.Arrays.fill(x, 1f);
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        OrtSession s = Models.ortEnvironment().createSession(file.toString(), o);
        OnnxTensor in =
            OnnxTensor.createTensor(
                Models.ortEnvironment(), FloatBuffer.wrap(x), new long[] {1, OverTwoGibModel.K});
        OrtSession.Result r = s.run(Map.of("x", in))) {
      return ((float[][]) r.get(0).getValue())[0];
    }
  }

  @Test
  void overTwoGibLoadsSavesWithExternalDataInspectsAndCompresses() throws Exception {
    Path model = OverTwoGibModel.write(tmp.resolve("in"));
    long weights = OverTwoGibModel.weightBytes();
    assertTrue(weights > Integer.MAX_VALUE, "over protobuf's ceiling");

    // Library: load (weights inlined), save (external data out), same outputs.
    Path saved = Files.createDirectories(tmp.resolve("saved")).resolve("model.onnx");
    OnnxModel m = Models.loadOnnx(model);
    assertEquals(Files.size(model) + weights, m.fileBytes());
    Models.saveOnnx(m, saved);
    String sha = Models.sha256(m.proto());
    m = null; // two 2 GiB copies would not fit the test heap
    Path data = saved.resolveSibling("model.onnx.data");
    assertTrue(Files.size(saved) < 1 << 20, "the message holds no weights");
    assertTrue(Files.size(data) >= weights, "the weights are in " + data);
    assertEquals(Files.size(saved) + Files.size(data), Models.diskBytes(saved));
    OnnxModel reloaded = Models.loadOnnx(saved);
    for (TensorProto t : reloaded.proto().getGraph().getInitializerList()) {
      assertEquals(TensorProto.DataLocation.DEFAULT, t.getDataLocation(), t.getName());
    }
    assertEquals(sha, Models.sha256(reloaded.proto()), "saved and reloaded: the same model");
    reloaded = null;
    float[] expected = run(model);
    assertArrayEquals(expected, run(saved), 0f, "bit-exact: the same weights");

    // Command line, in its own JVM with a 6 GB heap.
    InterruptedRunTest.Child inspect =
        InterruptedRunTest.Child.start(
            tmp.resolve("inspect"), HEAP, "inspect", model.toString(), "--json");
    int inspected = inspect.exit();
    assertEquals(0, inspected, inspect.stderr());
    JsonNode info = JSON.readTree(inspect.stdout());
    assertEquals(
        OverTwoGibModel.K * (2L * OverTwoGibModel.K + OverTwoGibModel.OUT),
        info.get("parameters").asLong(),
        inspect.stdout());

    Path out = tmp.resolve("compressed");
    InterruptedRunTest.Child compress =
        InterruptedRunTest.Child.start(
            tmp.resolve("compress"),
            HEAP,
            "compress",
            model.toString(),
            "--method",
            "int8-dynamic",
            "--out",
            out.toString(),
            "--json");
    int compressed = compress.exit();
    assertEquals(0, compressed, compress.stderr());
    Path int8 = out.resolve("model.int8.onnx");
    long int8Bytes = Models.diskBytes(int8);
    assertTrue(
        int8Bytes > weights / 4 && int8Bytes < weights / 4 + (64 << 20),
        "int8 weights: a quarter of the float ones, " + int8Bytes + " bytes");
    JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
    assertEquals(
        Files.size(model) + weights, report.at("/input/bytes").asLong(), report.toString());
    float[] quantized = run(int8);
    double dot = 0;
    double nx = 0;
    double ny = 0;
    for (int i = 0; i < expected.length; i++) {
      dot += expected[i] * quantized[i];
      nx += expected[i] * expected[i];
      ny += quantized[i] * quantized[i];
    }
    double cosine = dot / Math.sqrt(nx * ny);
    assertTrue(cosine > 0.99, "int8 output close to fp32: cosine " + cosine);
  }
}
