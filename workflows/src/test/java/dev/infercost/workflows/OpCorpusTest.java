package dev.infercost.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.infercost.base.InfercostException;
import dev.infercost.models.Models;
import dev.infercost.profile.EvalReport;
import dev.infercost.profile.ProfileOptions;
import dev.infercost.profile.Profiler;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator corpus ({@link OpCorpus}) through inspect, profile and compress (int8-dynamic,
 * int8-static, int8-qdq): every entry is either quantized, left in float, or refused with one line;
 * nothing crashes, and every written model loads in ONNX Runtime and reproduces the original
 * outputs within the fidelity its report states. Prints the per-entry table, the counts per method
 * and every refusal (25-45 s for 196 entries on a shared 2-core machine).
 */
class OpCorpusTest {
  private static final List<Method> METHODS =
      List.of(Method.INT8_DYNAMIC, Method.INT8_STATIC, Method.INT8_QDQ);

  /** What became of one entry at one stage. */
  enum Result {
    QUANTIZED("Q"),
    FLOAT("F"),
    OK("ok"),
    REFUSED("R"),
    CRASHED("CRASH");

    final String code;

    Result(String code) {
      this.code = code;
    }
  }

  @TempDir Path tmp;

  @Test
  void everyEntryIsQuantizedLeftFloatOrRefusedAndNothingCrashes() throws Exception {
    List<OpCorpus.Entry> entries = OpCorpus.entries();
    Map<Method, Map<Result, Integer>> counts = new EnumMap<>(Method.class);
    List<String> refusals = new ArrayList<>();
    List<String> crashes = new ArrayList<>();
    StringBuilder table = new StringBuilder();
    table.append(String.format(Locale.ROOT, "%-22s %-7s %-7s", "entry", "inspect", "profile"));
    METHODS.forEach(m -> table.append(String.format(Locale.ROOT, " %-12s", m.label())));
    table.append('\n');
    long start = System.nanoTime();
    int k = 0;
    for (OpCorpus.Entry e : entries) {
      Path dir = Files.createDirectories(tmp.resolve("e" + k++));
      OpCorpus.Built b = e.build(k);
      Path model = dir.resolve("model.onnx");
      Files.write(model, b.model().toByteArray());
      Path npz = dir.resolve("data.npz");
      b.writeNpz(npz);
      List<Result> row = new ArrayList<>();
      row.add(stage(e.name() + " inspect", refusals, crashes, () -> inspect(model)));
      row.add(stage(e.name() + " profile", refusals, crashes, () -> profile(model)));
      for (Method m : METHODS) {
        Path out = dir.resolve(m.label());
        Result r =
            stage(
                e.name() + " " + m.label(),
                refusals,
                crashes,
                () -> compress(b, model, npz, m, out));
        counts.computeIfAbsent(m, x -> new EnumMap<>(Result.class)).merge(r, 1, Integer::sum);
        row.add(r);
      }
      table.append(String.format(Locale.ROOT, "%-22s", e.name()));
      for (int i = 0; i < row.size(); i++) {
        table.append(String.format(Locale.ROOT, i < 2 ? " %-7s" : " %-12s", row.get(i).code));
      }
      table.append('\n');
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    StringBuilder summary = new StringBuilder(table);
    summary.append(String.format(Locale.ROOT, "%d entries in %.1f s%n", entries.size(), seconds));
    counts.forEach(
        (m, c) ->
            summary.append(
                String.format(
                    Locale.ROOT,
                    "%-12s quantized %d, left float %d, refused %d, crashed %d%n",
                    m.label(),
                    c.getOrDefault(Result.QUANTIZED, 0),
                    c.getOrDefault(Result.FLOAT, 0),
                    c.getOrDefault(Result.REFUSED, 0),
                    c.getOrDefault(Result.CRASHED, 0))));
    summary.append("refused:\n");
    refusals.forEach(r -> summary.append("  ").append(r).append('\n'));
    summary.append("crashed:\n");
    crashes.forEach(r -> summary.append("  ").append(r).append('\n'));
    System.out.print(summary);
    assertEquals(List.of(), crashes, summary.toString());
  }

  private interface Stage {
    Result run() throws Exception;
  }

  /**
   * Runs one stage: an InfercostException is a refusal (one line, checked), anything else a crash.
   */
  private static Result stage(String what, List<String> refusals, List<String> crashes, Stage s) {
    try {
      return s.run();
    } catch (InfercostException ex) {
      String msg = String.valueOf(ex.getMessage());
      if (msg.contains("\n")) {
        crashes.add(what + ": refusal is not one line: " + msg);
        return Result.CRASHED;
      }
      refusals.add(what + ": " + msg);
      return Result.REFUSED;
    } catch (Throwable t) {
      StackTraceElement[] st = t.getStackTrace();
      crashes.add(what + ": " + t + (st.length > 0 ? " at " + st[0] : ""));
      return Result.CRASHED;
    }
  }

  private static Result inspect(Path model) throws InfercostException {
    Models.loadOnnx(model).info(Map.of());
    return Result.OK;
  }

  private static Result profile(Path model) throws InfercostException {
    Profiler.profile(
        model.toString(),
        ProfileOptions.builder().optThreads(1).optWarmup(1, 0).optSampling(3, 0, 2_000).build(),
        s -> {});
    return Result.OK;
  }

  private static Result compress(OpCorpus.Built b, Path model, Path npz, Method m, Path out)
      throws Exception {
    CompressReport r =
        CompressWorkflow.run(
            CompressRequest.builder(ModelRef.resolve(model.toString()), out)
                .optRecipe(Recipe.of(m))
                .optData(npz)
                .optMeasure(false)
                .build(),
            s -> {});
    checkReproduces(b, model, Path.of(r.output().path()), r);
    return r.unchanged() ? Result.FLOAT : Result.QUANTIZED;
  }

  /**
   * The written model loads in ONNX Runtime and, on the evaluation batches of the entry's data,
   * matches the input model's outputs: each sample's cosine (first output, dim 0 as the evaluator
   * splits it) is at least the reported minimum, and 1 − 1e-6 when the report says unchanged.
   */
  private static void checkReproduces(OpCorpus.Built b, Path before, Path after, CompressReport r)
      throws OrtException {
    OrtEnvironment env = Models.ortEnvironment();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setIntraOpNumThreads(1);
      try (OrtSession s0 = env.createSession(before.toString(), o);
          OrtSession s1 = env.createSession(after.toString(), o)) {
        // DataPlan calibrates on the first half of the batches and evaluates on the rest.
        for (int batch = OpCorpus.BATCHES / 2; batch < OpCorpus.BATCHES; batch++) {
          List<Output> y0 = run(env, s0, b, batch);
          List<Output> y1 = run(env, s1, b, batch);
          assertEquals(y0.size(), y1.size(), "output count");
          // Like the evaluator: the first output, one sample per index of dim 0.
          long[] shape = y0.get(0).shape();
          int samples = shape.length == 0 ? 1 : (int) shape[0];
          double[] a0 = y0.get(0).values();
          double[] a1 = y1.get(0).values();
          int per = samples == 0 ? 0 : a0.length / samples;
          EvalReport f = r.fidelity();
          assertTrue(f != null, "the report states its fidelity");
          // Unchanged models may still differ by float rewrites (BatchNormalization folded).
          double floor = r.unchanged() ? 1 - 1e-6 : f.minCosine() - 1e-6;
          for (int i = 0; samples > 0 && i < samples && per > 0; i++) {
            double cos =
                cosine(
                    Arrays.copyOfRange(a0, i * per, (i + 1) * per),
                    Arrays.copyOfRange(a1, i * per, (i + 1) * per));
            assertTrue(
                cos >= floor,
                "sample cosine " + cos + " below " + floor + " (reported " + f.minCosine() + ")");
          }
        }
      }
    }
  }

  /** One output's elements as doubles, and its shape (empty for non-tensors). */
  private record Output(double[] values, long[] shape) {}

  private static List<Output> run(OrtEnvironment env, OrtSession s, OpCorpus.Built b, int batch)
      throws OrtException {
    Map<String, OnnxTensor> in = new LinkedHashMap<>();
    try {
      for (var e : b.data().entrySet()) {
        long[] shape = b.inputShapes().get(e.getKey());
        int n = (int) OpCorpus.count(shape);
        float[] v = Arrays.copyOfRange(e.getValue(), batch * n, (batch + 1) * n);
        in.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(v), shape));
      }
      List<Output> out = new ArrayList<>();
      try (OrtSession.Result res = s.run(in)) {
        for (Map.Entry<String, OnnxValue> e : res) {
          OnnxValue v = e.getValue();
          long[] shape = v instanceof OnnxTensor t ? t.getInfo().getShape() : new long[0];
          out.add(new Output(doubles(v), shape));
        }
      }
      return out;
    } finally {
      in.values().forEach(OnnxTensor::close);
    }
  }

  /** Any numeric or bool tensor's elements as doubles (empty for non-tensors). */
  private static double[] doubles(OnnxValue v) throws OrtException {
    if (!(v instanceof OnnxTensor t)) {
      return new double[0];
    }
    Object flat = t.getValue();
    List<Double> out = new ArrayList<>();
    flatten(flat, out);
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static void flatten(Object o, List<Double> out) {
    if (o instanceof Object[] a) {
      for (Object e : a) {
        flatten(e, out);
      }
    } else if (o instanceof float[] a) {
      for (float e : a) {
        out.add((double) e);
      }
    } else if (o instanceof double[] a) {
      Arrays.stream(a).forEach(out::add);
    } else if (o instanceof long[] a) {
      Arrays.stream(a).forEach(e -> out.add((double) e));
    } else if (o instanceof int[] a) {
      Arrays.stream(a).forEach(e -> out.add((double) e));
    } else if (o instanceof byte[] a) {
      for (byte e : a) {
        out.add((double) e);
      }
    } else if (o instanceof boolean[] a) {
      for (boolean e : a) {
        out.add(e ? 1.0 : 0.0);
      }
    } else if (o instanceof Number n) {
      out.add(n.doubleValue());
    } else if (o instanceof Boolean z) {
      out.add(z ? 1.0 : 0.0);
    }
  }

  private static double cosine(double[] a, double[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return na == 0 && nb == 0 ? 1 : dot / Math.sqrt(na * nb);
  }
}
