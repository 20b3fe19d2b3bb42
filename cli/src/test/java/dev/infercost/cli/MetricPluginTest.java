package dev.infercost.cli;

import static dev.infercost.cli.CliTest.assertBadInput;
import static dev.infercost.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.infercost.base.InfercostException;
import dev.infercost.models.Models;
import dev.infercost.models.Tensor;
import dev.infercost.profile.TaskMetric;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task metric compiled at test time into a jar is found through {@code --metric-classpath}, used
 * by {@code evaluate}, and used as the bound by {@code compress}; bad names and jars are one line.
 */
class MetricPluginTest {
  @TempDir static Path tmp;
  private static Path jar;
  private static Path int8;

  /** Top-1 accuracy written as a user would, against the public interface only. */
  private static final String TOP1 =
      """
      package test.metrics;
      import dev.infercost.models.Tensor;
      import dev.infercost.profile.TaskMetric;
      public final class PluginTop1 implements TaskMetric {
        public String name() { return "plugin-top1"; }
        public boolean higherIsBetter() { return true; }
        public String description() { return "top-1 accuracy from a test jar"; }
        public Accumulator accumulator(Context c) {
          return new Accumulator() {
            int ok;
            int n;
            public void add(Batch b) {
              Tensor y = b.outputs().get(0);
              float[] v = y.toFloats();
              int k = (int) y.shape()[1];
              long[] l = b.labels();
              for (int i = 0; i < b.size(); i++, n++) {
                int best = 0;
                for (int j = 1; j < k; j++) {
                  if (v[i * k + j] > v[i * k + best]) best = j;
                }
                if (best == l[i]) ok++;
              }
            }
            public double score() { return (double) ok / n; }
          };
        }
      }
      """;

  /** Lower is better: the share of samples whose outputs are not bit-identical to the input's. */
  private static final String MISMATCH =
      """
      package test.metrics;
      import dev.infercost.profile.TaskMetric;
      public final class PluginMismatch implements TaskMetric {
        public String name() { return "plugin-mismatch"; }
        public boolean higherIsBetter() { return false; }
        public String description() { return "share of samples whose outputs changed at all"; }
        public Accumulator accumulator(Context c) {
          return new Accumulator() {
            int changed;
            int n;
            public void add(Batch b) {
              float[] y = b.outputs().get(0).toFloats();
              float[] r = b.referenceOutputs().get(0).toFloats();
              int per = y.length / b.size();
              for (int i = 0; i < b.size(); i++, n++) {
                for (int j = i * per; j < (i + 1) * per; j++) {
                  if (y[j] != r[j]) { changed++; break; }
                }
              }
            }
            public double score() { return (double) changed / n; }
          };
        }
      }
      """;

  /** A metric with a bug. */
  private static final String BROKEN =
      """
      package test.metrics;
      import dev.infercost.profile.TaskMetric;
      public final class PluginBroken implements TaskMetric {
        public String name() { return "plugin-broken"; }
        public boolean higherIsBetter() { return true; }
        public String description() { return "throws"; }
        public Accumulator accumulator(Context c) {
          return new Accumulator() {
            public void add(Batch b) { throw new IllegalStateException("decoder bug"); }
            public double score() { return 0; }
          };
        }
      }
      """;

  @BeforeAll
  static void buildJarAndInt8Model() throws Exception {
    jar = metricJar(tmp.resolve("metrics"), List.of(TOP1, MISMATCH, BROKEN));
    CliTest.Run c =
        run(
            "compress",
            "digits-cnn",
            "--out",
            tmp.resolve("int8").toString(),
            "--no-profile",
            "--quiet");
    assertEquals(0, c.code(), c.err());
    int8 = tmp.resolve("int8").resolve("model.int8.onnx");
  }

  /** Compiles {@code sources} against infercost's classes and jars them with a services entry. */
  static Path metricJar(Path dir, List<String> sources) throws Exception {
    Path src = Files.createDirectories(dir.resolve("src/test/metrics"));
    Path classes = Files.createDirectories(dir.resolve("classes"));
    List<String> args = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (String s : sources) {
      String name = s.substring(s.indexOf("class ") + 6, s.indexOf(" implements"));
      names.add("test.metrics." + name);
      args.add(Files.writeString(src.resolve(name + ".java"), s).toString());
    }
    String cp =
        Stream.of(TaskMetric.class, Tensor.class, InfercostException.class)
            .map(MetricPluginTest::location)
            .reduce((a, b) -> a + java.io.File.pathSeparator + b)
            .orElseThrow();
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> all = new ArrayList<>(List.of("-d", classes.toString(), "-cp", cp));
    all.addAll(args);
    assertEquals(0, javac.run(null, null, null, all.toArray(String[]::new)), "javac");
    Path out = dir.resolve("metrics.jar");
    try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(out));
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        Files.copy(f, (OutputStream) j);
        j.closeEntry();
      }
      j.putNextEntry(new JarEntry("META-INF/services/" + TaskMetric.class.getName()));
      j.write((String.join("\n", names) + "\n").getBytes(StandardCharsets.UTF_8));
      j.closeEntry();
    }
    return out;
  }

  private static String location(Class<?> c) {
    try {
      return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path testData() throws Exception {
    var b = Models.builtin("digits-cnn").orElseThrow();
    return Models.builtinFile(b, b.testDataResource().orElseThrow());
  }

  private static CliTest.Run evaluate(String... more) throws Exception {
    return run(
        CliTest.concat(
            new String[] {
              "evaluate", "digits-cnn", int8.toString(), "--data", testData().toString(), "--quiet"
            },
            more));
  }

  @Test
  void evaluateScoresBothModelsWithThePlugin() throws Exception {
    CliTest.Run r =
        evaluate("--metric", "plugin-top1", "--metric-classpath", jar.toString(), "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = r.json();
    JsonNode m = j.get("metrics").get(0);
    assertEquals("plugin-top1", m.get("name").asText());
    assertEquals(j.get("referenceAccuracy").asDouble(), m.get("reference").asDouble(), 0.0);
    assertEquals(j.get("candidateAccuracy").asDouble(), m.get("candidate").asDouble(), 0.0);
    assertEquals(437.0 / 450, m.get("reference").asDouble(), 1e-12);

    CliTest.Run table =
        evaluate("--metric", "plugin-mismatch", "--metric-classpath", jar.toString());
    assertEquals(0, table.code(), table.err());
    assertTrue(table.out().contains("plugin-mismatch reference"), table.out());
  }

  @Test
  void aBuiltinByNameGivesTheReportsFigure() throws Exception {
    CliTest.Run r = evaluate("--metric", "cosine", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = r.json();
    assertEquals(
        j.get("meanCosine").asDouble(), j.get("metrics").get(0).get("candidate").asDouble(), 0.0);
  }

  @Test
  void thePluginIsTheBoundOfCompress() throws Exception {
    CliTest.Run met =
        run(
            "compress",
            "digits-cnn",
            "--out",
            tmp.resolve("met").toString(),
            "--no-profile",
            "--quiet",
            "--json",
            "--metric-classpath",
            jar.toString(),
            "--metric",
            "plugin-top1",
            "--max-metric-drop",
            "0.02");
    assertEquals(0, met.code(), met.err());
    JsonNode j = met.json();
    assertEquals("max-metric-drop", j.get("bound").get("kind").asText());
    assertTrue(j.get("bound").get("met").asBoolean());
    assertEquals(
        j.get("fidelity").get("accuracyDrop").asDouble(),
        j.get("fidelity").get("metrics").get(0).get("drop").asDouble(),
        0.0);

    // int8 changes every output a little: mismatch goes from 0 (the input) to about 1.
    CliTest.Run notMet =
        run(
            "compress",
            "digits-cnn",
            "--out",
            tmp.resolve("notmet").toString(),
            "--no-profile",
            "--quiet",
            "--metric-classpath",
            jar.toString(),
            "--metric",
            "plugin-mismatch",
            "--max-metric-drop",
            "0.5");
    assertEquals(1, notMet.code(), notMet.err());
    assertTrue(notMet.out().contains("NOT met: plugin-mismatch drop"), notMet.out());
    assertTrue(Files.exists(tmp.resolve("notmet").resolve("model.int8.onnx")));
  }

  @Test
  void anUnknownMetricListsTheAvailableOnes() throws Exception {
    CliTest.Run r = evaluate("--metric", "wer", "--metric-classpath", jar.toString());
    assertBadInput(
        r,
        "unknown task metric 'wer'; available: cosine, mask-iou, nn-agreement, perplexity,"
            + " plugin-broken, plugin-mismatch, plugin-top1, token-kl, top1-accuracy");
    assertTrue(r.err().strip().endsWith("(--metric)"), r.err());
  }

  @Test
  void aJarThatCannotBeReadIsOneLine() throws Exception {
    Path junk = Files.writeString(tmp.resolve("junk.jar"), "not a jar");
    CliTest.Run r = evaluate("--metric", "plugin-top1", "--metric-classpath", junk.toString());
    assertBadInput(r, junk + ": cannot read as a jar");
    assertTrue(r.err().strip().endsWith("(--metric-classpath)"), r.err());
    assertBadInput(
        run("choose", "digits-cnn", "--metric-classpath", junk.toString(), "--min-cosine", "0.9"),
        "cannot read as a jar");
  }

  @Test
  void aFailingPluginIsBadInputNamingIt() throws Exception {
    CliTest.Run r = evaluate("--metric", "plugin-broken", "--metric-classpath", jar.toString());
    assertBadInput(r, "task metric 'plugin-broken' (test.metrics.PluginBroken) failed");
    assertTrue(r.err().contains("decoder bug"), r.err());
  }

  @Test
  void aMetricBoundNeedsAMetric() {
    assertBadInput(
        run(
            "compress",
            "digits-cnn",
            "--out",
            tmp.resolve("x").toString(),
            "--max-metric-drop",
            "0.1"),
        "--max-metric-drop needs --metric NAME");
  }
}
