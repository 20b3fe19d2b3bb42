package dev.infercost.cli;

import static dev.infercost.cli.CliTest.digitsData;
import static dev.infercost.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.Models;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every JSON document infercost writes, produced for real on the bundled digits models, validates
 * against its JSON Schema in {@code docs/schemas/} (the one whose {@code $id} is {@code
 * https://infercost.dev/schemas/<kind>-v<schema>.schema.json}, named by the document's own {@code
 * kind} and {@code schema}); and a document with a wrong type, a wrong spelling or a missing key
 * does not.
 */
class ReportSchemasTest {
  private static final Path SCHEMAS = Path.of("..", "docs", "schemas");
  private static final String BASE = "https://infercost.dev/schemas/";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] FAST = {
    "--min-samples", "5", "--min-time", "0.05", "--warmup", "1"
  };

  /** The document kinds: one schema file each, besides the shared {@code common-v1}. */
  private static final Set<String> KINDS =
      Set.of(
          "profile",
          "inspect",
          "evaluate",
          "compress",
          "target-gpu",
          "choose",
          "bench",
          "gate",
          "gate-baseline-update",
          "plan",
          "hardware",
          "hardware-entry");

  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(
          SpecVersion.VersionFlag.V202012,
          b ->
              b.schemaMappers(
                  m -> m.mapPrefix(BASE, SCHEMAS.toAbsolutePath().normalize().toUri().toString())));

  private static final SchemaValidatorsConfig CONFIG =
      SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();

  @TempDir Path tmp;

  /** The schema a document names by its {@code kind} and {@code schema}. */
  private static JsonSchema schemaOf(JsonNode doc) {
    assertTrue(doc.path("schema").isInt(), () -> "no integer schema field: " + head(doc));
    assertTrue(doc.path("kind").isTextual(), () -> "no kind field: " + head(doc));
    String file = doc.get("kind").asText() + "-v" + doc.get("schema").asInt() + ".schema.json";
    assertTrue(
        Files.isRegularFile(SCHEMAS.resolve(file)), "no schema " + file + " in docs/schemas");
    return FACTORY.getSchema(SchemaLocation.of(BASE + file), CONFIG);
  }

  private static Set<ValidationMessage> errors(JsonNode doc) {
    return schemaOf(doc).validate(doc);
  }

  private static void assertValid(JsonNode doc) {
    Set<ValidationMessage> errors = errors(doc);
    assertEquals(
        Set.of(),
        errors.stream().map(ValidationMessage::toString).collect(Collectors.toSet()),
        () -> doc.get("kind") + " document does not match its schema: " + head(doc));
  }

  private static void assertValid(CliTest.Run r) throws IOException {
    assertEquals(0, r.code(), r.err());
    assertValid(r.json());
  }

  /** {@code doc} changed by {@code change} is rejected, with an error that names {@code where}. */
  private static void assertRejected(JsonNode doc, String where, Consumer<ObjectNode> change) {
    ObjectNode broken = doc.deepCopy();
    change.accept(broken);
    Set<ValidationMessage> errors = errors(broken);
    assertFalse(errors.isEmpty(), () -> "accepted a broken document (" + where + ")");
    assertTrue(
        errors.stream().anyMatch(e -> e.toString().contains(where)),
        () -> "no error names " + where + ": " + errors);
  }

  private static String head(JsonNode doc) {
    String s = doc.toString();
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }

  /** {@code compress digits-mlp} on its held-out data into {@code out}, with {@code options}. */
  private static CliTest.Run compress(Path out, String... options) {
    return run(
        CliTest.concat(
            new String[] {
              "compress",
              "digits-mlp",
              "--data",
              digitsData(),
              "--out",
              out.toString(),
              "--json",
              "-q"
            },
            options));
  }

  /** {@code choose digits-mlp} at batch 1, bound by cosine, with {@code options}. */
  private static CliTest.Run choose(String... options) {
    return run(
        CliTest.concat(
            new String[] {"choose", "digits-mlp", "--batch=1", "--min-cosine=0.99", "--json", "-q"},
            options));
  }

  private static JsonNode read(Path file) throws IOException {
    return JSON.readTree(file.toFile());
  }

  @Test
  void theSchemasAreDraft2020OnePerKindEachNamedByItsId() throws IOException {
    JsonSchema meta =
        FACTORY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
    Set<String> kinds = new TreeSet<>();
    try (Stream<Path> files = Files.list(SCHEMAS)) {
      for (Path f : files.sorted().toList()) {
        String name = f.getFileName().toString();
        assertTrue(name.endsWith("-v1.schema.json"), name);
        JsonNode s = read(f);
        assertEquals(BASE + name, s.path("$id").asText(), name + ": $id names the file");
        assertEquals(
            "https://json-schema.org/draft/2020-12/schema", s.path("$schema").asText(), name);
        assertEquals(Set.of(), meta.validate(s), name + " is a valid 2020-12 schema");
        if (!name.startsWith("common-")) {
          kinds.add(name.substring(0, name.length() - "-v1.schema.json".length()));
          assertEquals(1, s.at("/properties/schema/const").asInt(), name);
        }
      }
    }
    assertEquals(new TreeSet<>(KINDS), kinds);
  }

  @Test
  void inspectOnnxAndTorchScript() throws Exception {
    JsonNode onnx = run("inspect", "digits-cnn", "--json").json();
    assertValid(onnx);
    assertRejected(
        onnx, "dtype", d -> ((ObjectNode) d.get("inputs").get(0)).put("dtype", "FLOAT32"));
    Path pt = Models.resolve("digits-mlp", ModelFormat.TORCHSCRIPT);
    assertValid(run("inspect", pt.toString(), "--json"));
  }

  @Test
  void profileOnStdoutAndInItsFile() throws IOException {
    Path file = tmp.resolve("profile.json");
    CliTest.Run r =
        run(
            CliTest.concat(
                new String[] {
                  "profile", "digits-cnn", "--batch", "1,2", "--json", "--out", file.toString()
                },
                FAST));
    assertValid(r);
    assertValid(read(file));
    assertRejected(r.json(), "throughput", d -> d.withArray("results").addObject());
  }

  @Tag("slow")
  @Test
  void compressWithABoundAndEvaluateItsOutput() throws IOException {
    Path out = tmp.resolve("c");
    CliTest.Run r = compress(out, "--min-cosine", "0.99");
    assertValid(r);
    JsonNode report = read(out.resolve("report.json"));
    assertValid(report);
    assertTrue(report.path("latency").isObject() && report.path("bound").isObject(), head(report));
    // What the schema is for: typed options, numbers as numbers, every required key.
    assertRejected(report, "perChannel", d -> d.with("options").put("perChannel", "true"));
    assertRejected(report, "per_channel", d -> d.with("options").put("per_channel", true));
    assertRejected(report, "meanCosine", d -> d.with("fidelity").put("meanCosine", "0.999"));
    assertRejected(report, "headline", d -> d.remove("headline"));

    CliTest.Run e =
        run(
            "evaluate",
            "digits-mlp",
            out.resolve("model.int8.onnx").toString(),
            "--data",
            digitsData(),
            "--json",
            "-q");
    assertValid(e);
    assertRejected(e.json(), "extra", d -> d.put("extra", 1));
  }

  @Tag("slow")
  @Test
  void compressAuto() throws IOException {
    Path out = tmp.resolve("auto");
    CliTest.Run r = compress(out, "--method", "auto", "--max-trials", "2", "--min-cosine", "0.99");
    assertValid(r);
    JsonNode report = read(out.resolve("report.json"));
    assertValid(report);
    assertTrue(report.at("/search/trials").size() >= 1, head(report));
  }

  @Test
  void compressForAGpu() throws IOException {
    Path out = tmp.resolve("gpu");
    CliTest.Run r = compress(out, "--target-gpu", "t4");
    assertValid(r);
    assertValid(read(out.resolve("report.json")));
  }

  @Test
  void chooseAtADemandThenPlanFromItsReport() throws IOException {
    Path out = tmp.resolve("choose");
    CliTest.Run r =
        choose(
            "--methods=fp32,int8-dynamic",
            "--threads=1",
            "--hardware=aws-c7i.large,t4",
            "--qps=1000",
            "--out",
            out.toString());
    assertValid(r);
    JsonNode report = read(out.resolve("report.json"));
    assertValid(report);
    assertRejected(
        report,
        "kind",
        d -> ((ObjectNode) d.get("table").get(0).get("provenance")).put("kind", "ESTIMATED"));
    assertRejected(
        report, "base", d -> ((ObjectNode) d.at("/sensitivity/demand")).put("base", "NaN"));
    // Without a demand the sensitivity to it has no base: null, not the string "NaN"; the
    // projection check (2 threads) is filled in.
    JsonNode noDemand =
        choose(
                "--methods=fp32",
                "--hardware=aws-c7i.large",
                "--threads=2",
                "--calibrate-projection")
            .json();
    assertValid(noDemand);
    assertTrue(noDemand.at("/sensitivity/demand/base").isNull(), head(noDemand));
    assertTrue(noDemand.at("/projectionCheck/pairs").size() > 0, head(noDemand));

    Path plan = tmp.resolve("plan");
    CliTest.Run p =
        run(
            "plan",
            "--variant",
            out.resolve("report.json").toString(),
            "--cloud",
            "aws-c7i.large",
            "--qps",
            "2000",
            "--own",
            Path.of("..", "examples", "plan", "own.yaml").toString(),
            "--out",
            plan.toString(),
            "--json",
            "-q");
    assertValid(p);
    assertValid(read(plan.resolve("report.json")));
  }

  @Test
  void benchThenGateAndBaselineUpdate() throws IOException {
    Path suite =
        Files.writeString(
            tmp.resolve("suite.yaml"),
            String.join(
                "\n",
                "schema: 1",
                "threads: 1",
                "samples: 5",
                "minSeconds: 0.05",
                "hardware: [aws-c7i.large, t4]",
                "entries:",
                "  - name: digits-mlp/fp32",
                "    model: digits-mlp",
                "    shapes: {input: [1, 64]}",
                "  - name: digits-mlp/int8",
                "    model: digits-mlp",
                "    variant: int8-dynamic",
                "    shapes: {input: [1, 64]}",
                ""));
    Path results = tmp.resolve("results.json");
    CliTest.Run b =
        run("bench", "--suite", suite.toString(), "--out", results.toString(), "--json", "-q");
    assertValid(b);
    JsonNode file = read(results);
    assertValid(file);
    assertRejected(
        file,
        "unit",
        d -> {
          for (JsonNode m : d.get("entries").get(0).get("metrics")) {
            if (m.get("name").asText().equals("latency.p50")) {
              ((ObjectNode) m).put("unit", "s");
            }
          }
        });

    CliTest.Run g =
        run("gate", results.toString(), "--baseline", results.toString(), "--json", "-q");
    assertValid(g);
    assertRejected(
        g.json(),
        "verdict",
        d -> ((ObjectNode) d.get("comparisons").get(0)).put("verdict", "PASS"));
    // The baseline CI gates against was written by an earlier bench: the same layout.
    assertValid(read(Path.of("..", "benchmarks", "ci-baseline.json")));
    Path baseline = tmp.resolve("baseline.json");
    assertValid(
        run(
            "gate",
            results.toString(),
            "--baseline",
            baseline.toString(),
            "--update-baseline",
            "--json"));
  }

  @Test
  void hardwareListAndEntries() throws IOException {
    CliTest.Run list = run("hardware", "--json");
    assertValid(list);
    assertRejected(
        list.json(), "kind", d -> ((ObjectNode) d.get("entries").get(0)).put("kind", "CPU"));
    assertValid(run("hardware", "t4", "--json"));
    assertValid(run("hardware", "dgx-h100", "--json"));
  }
}
