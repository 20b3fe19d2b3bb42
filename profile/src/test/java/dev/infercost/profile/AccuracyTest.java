package dev.infercost.profile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.infercost.models.Models;
import dev.infercost.models.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Top-1 accuracy of the built-in digits models on their bundled test split equals the value the
 * fixture generator recorded in {@code digits-fixtures.json}.
 */
class AccuracyTest {
  private static final String FIXTURES = "dev/infercost/models/builtin/digits-fixtures.json";

  private static String fixturesJson() throws IOException {
    try (InputStream in = Models.class.getClassLoader().getResourceAsStream(FIXTURES)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** A number field of one model's object in the fixtures JSON. */
  private static double recorded(String json, String model, String field) {
    int start = json.indexOf("\"" + model + "\": {");
    int end = json.indexOf('}', start);
    Matcher m =
        Pattern.compile("\"" + field + "\":\\s*([0-9.eE+-]+)").matcher(json.substring(start, end));
    if (start < 0 || !m.find()) {
      throw new AssertionError(field + " of " + model + " not in " + FIXTURES);
    }
    return Double.parseDouble(m.group(1));
  }

  private static int correct(List<Tensor> outputs, Tensor labels) {
    float[] logits = outputs.get(0).toFloats();
    float[] y = labels.toFloats();
    int classes = logits.length / y.length;
    assertEquals(10, classes);
    int ok = 0;
    for (int r = 0; r < y.length; r++) {
      int best = 0;
      for (int c = 1; c < classes; c++) {
        if (logits[r * classes + c] > logits[r * classes + best]) {
          best = c;
        }
      }
      if (best == (int) y[r]) {
        ok++;
      }
    }
    return ok;
  }

  @ParameterizedTest
  @ValueSource(strings = {"digits-cnn", "digits-mlp"})
  void onnxRuntimeAccuracyMatchesTheRecordedValue(String model) throws Exception {
    String json = fixturesJson();
    double accuracy = recorded(json, model, "fp32_test_accuracy");
    int rows = (int) recorded(json, model, "test_rows");
    Map<String, Tensor> data = TensorFiles.read(TensorFilesTest.bundledTestData(model));
    Tensor input = data.get("input");
    assertEquals(rows, input.shape()[0]);
    int ok;
    try (ModelRunner ort = Profiler.open(model, ProfileOptions.builder().build())) {
      List<Tensor> out = ort.runAndFetch(List.of(input));
      assertArrayEquals(new long[] {rows, 10}, out.get(0).shape());
      ok = correct(out, data.get("label"));
    }
    assertEquals(Math.round(accuracy * rows), ok, "correct predictions out of " + rows);
    assertEquals(437, ok);
    assertEquals(accuracy, (double) ok / rows, 1e-12);
  }

  @ParameterizedTest
  @ValueSource(strings = {"digits-cnn", "digits-mlp"})
  void torchScriptTwinAgreesWithOnnxRuntime(String model) throws Exception {
    Map<String, Tensor> data = TensorFiles.read(TensorFilesTest.bundledTestData(model));
    List<Tensor> in = List.of(data.get("input"));
    float[] ort;
    try (ModelRunner r = Profiler.open(model, ProfileOptions.builder().build())) {
      ort = r.runAndFetch(in).get(0).toFloats();
    }
    try (ModelRunner r =
        Profiler.open(model, ProfileOptions.builder().optEngine(Engine.DJL).build())) {
      List<Tensor> out = r.runAndFetch(in);
      assertArrayEquals(ort, out.get(0).toFloats(), 1e-4f, "abs tolerance 1e-4");
      assertEquals(437, correct(out, data.get("label")));
    }
  }
}
