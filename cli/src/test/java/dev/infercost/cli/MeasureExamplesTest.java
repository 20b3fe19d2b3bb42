package dev.infercost.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The examples in {@code docs/} for measuring on many machines: the GitHub Actions matrix and the
 * Kubernetes Indexed Job parse as YAML, run what {@code docs/measurements.md} says they run, and
 * validate against the GitHub workflow schema (SchemaStore) and the strict batch/v1 Job schema.
 *
 * <p>The schemas are public data, not part of this repository: the test reads them from {@code
 * shared/schemas/} next to (or inside) the checkout, or from the folder named by the system
 * property {@code infercost.schemas}; without them only the schema validation is skipped.
 */
class MeasureExamplesTest {
  private static final Path DOCS = Path.of("..", "docs");
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode yaml(String file) throws IOException {
    return YAML.readTree(DOCS.resolve(file).toFile());
  }

  @Test
  void theActionsMatrixProfilesOnEveryRunnerAndChoosesFromAllTheirFiles() throws IOException {
    JsonNode w = yaml("measure-matrix.yml");
    JsonNode jobs = w.get("jobs");
    assertEquals(List.of("variants", "measure", "choose"), names(jobs));
    JsonNode measure = jobs.get("measure");
    assertTrue(measure.at("/strategy/matrix/runner").size() >= 2, measure.toString());
    assertTrue(text(measure).contains("profile \"$model\""), "profile on each runner");
    assertTrue(text(measure).contains("--out \"measurements/${{ matrix.runner }}"), "its files");
    assertTrue(text(measure).contains("actions/upload-artifact"), "uploaded per runner");
    JsonNode choose = jobs.get("choose");
    assertEquals("measure", choose.get("needs").asText());
    assertTrue(text(choose).contains("\"pattern\":\"measurements-*\""), "every runner's files");
    assertTrue(text(choose).contains("--measurements measurements"), text(choose));
    // Both choose runs share the flags that decide the variants' bytes.
    assertTrue(text(jobs.get("variants")).contains("$CHOOSE --out variants"));
    assertTrue(text(choose).contains("$CHOOSE --measurements"));
    // The commands it runs exist with those options.
    assertOptions("profile", "--threads", "--batch", "--quiet", "--out");
    assertOptions("choose", "--measurements", "--out", "--methods", "--batch", "--quiet");
    validate(w, "github-workflow.json");
  }

  @Test
  void theIndexedJobRunsOnePodPerNodeTypeIntoTheSharedVolume() throws IOException {
    JsonNode job = yaml("measure-indexed-job.yaml");
    assertEquals("Job", job.get("kind").asText());
    JsonNode spec = job.get("spec");
    assertEquals("Indexed", spec.get("completionMode").asText());
    JsonNode pod = spec.at("/template/spec");
    JsonNode types =
        pod.at("/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution")
            .at("/nodeSelectorTerms/0/matchExpressions/0");
    assertEquals("node.kubernetes.io/instance-type", types.get("key").asText());
    // One completion per node type, and no two pods on one type.
    assertEquals(types.get("values").size(), spec.get("completions").asInt());
    JsonNode anti =
        pod.at("/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/0");
    assertEquals("node.kubernetes.io/instance-type", anti.get("topologyKey").asText());
    assertEquals(
        spec.at("/template/metadata/labels"), anti.at("/labelSelector/matchLabels"), "selects");
    String script = pod.at("/containers/0/args/0").asText();
    assertTrue(script.contains("${JOB_COMPLETION_INDEX}"), script);
    assertTrue(script.contains("profile \"$model\""), script);
    assertEquals("/work", pod.at("/containers/0/volumeMounts/0/mountPath").asText());
    assertFalse(pod.at("/volumes/0/persistentVolumeClaim/claimName").asText().isEmpty());
    validate(job, "job-batch-v1.json");
  }

  private static void assertOptions(String command, String... options) {
    var sub = Main.newCommandLine().getSubcommands().get(command);
    for (String o : options) {
      assertTrue(sub.getCommandSpec().findOption(o) != null, command + " " + o);
    }
  }

  private static void validate(JsonNode doc, String schemaFile) throws IOException {
    Optional<Path> dir = schemas();
    Assumptions.assumeTrue(
        dir.isPresent() && Files.exists(dir.get().resolve(schemaFile)),
        "schema " + schemaFile + " not found in shared/schemas (or -Dinfercost.schemas)");
    ObjectNode schema = (ObjectNode) JSON.readTree(dir.get().resolve(schemaFile).toFile());
    // The Kubernetes schemas name the generic meta-schema URI; both are draft-07 schemas.
    schema.remove("$schema");
    JsonSchema s = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(schema);
    Set<ValidationMessage> errors = s.validate(doc);
    assertEquals(Set.of(), errors, schemaFile);
    // The validator does reject a broken document, so an empty set means something.
    ObjectNode broken = doc.deepCopy();
    broken.put("no-such-key", true);
    assertFalse(s.validate(broken).isEmpty(), "a broken document must fail " + schemaFile);
  }

  private static Optional<Path> schemas() {
    String prop = System.getProperty("infercost.schemas");
    if (prop != null) {
      return Optional.of(Path.of(prop));
    }
    Path root = Path.of("..").toAbsolutePath().normalize();
    return Stream.of(root.resolve("shared/schemas"), root.resolveSibling("shared/schemas"))
        .filter(Files::isDirectory)
        .findFirst();
  }

  private static List<String> names(JsonNode o) {
    List<String> out = new ArrayList<>();
    o.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static String text(JsonNode n) {
    return n.toString().replace("\\\"", "\"").replace("\\n", "\n");
  }
}
