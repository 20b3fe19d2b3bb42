package dev.infercost.cli;

import static dev.infercost.cli.CliTest.assertBadInput;
import static dev.infercost.cli.CliTest.concat;
import static dev.infercost.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infercost.base.CpuInfo;
import dev.infercost.base.Hashes;
import dev.infercost.base.HostFingerprint;
import dev.infercost.models.Models;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measurements from other machines end to end: {@code profile --json} output taken here is given
 * the fingerprints of two other hosts (a Zen 3 AVX2 2-vCPU machine, a Zen 4 AVX-512 4-vCPU one),
 * collected in one folder per host, and {@code choose --measurements} prices those entries' rows as
 * measured there.
 */
class MeasurementsCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] FAST = {
    "--min-samples", "5", "--min-time", "0.05", "--warmup", "1", "--json", "--quiet"
  };
  private static final String[] CHOOSE = {
    "choose",
    "digits-cnn",
    "--max-accuracy-drop",
    "0.01",
    "--methods",
    "fp32",
    "--batch",
    "1",
    "--threads",
    "1",
    "--hardware",
    "aws-c6a.large,aws-c7a.xlarge,aws-c7i.large",
    "--json",
    "--quiet"
  };

  static final HostFingerprint ZEN3 =
      new HostFingerprint(
          "AMD EPYC 7R13 Processor",
          25,
          1,
          "amd64",
          2,
          1,
          1,
          List.of("avx2", "f16c", "fma"),
          null,
          "Linux",
          "17",
          "1.23.2",
          "0.35.1",
          "0.1.0");
  static final HostFingerprint ZEN4 =
      new HostFingerprint(
          "AMD EPYC 9R14 96-Core Processor",
          25,
          17,
          "amd64",
          4,
          2,
          1,
          List.of("avx2", "avx512_vnni", "avx512bw", "avx512f", "avx512vl", "fma"),
          null,
          "Linux",
          "17",
          "1.23.2",
          "0.35.1",
          "0.1.0");

  @TempDir Path tmp;

  @Test
  void profileJsonCarriesSchemaModelHashAndFingerprint() throws Exception {
    CliTest.Run r = run(concat(new String[] {"profile", "digits-cnn", "--threads", "1"}, FAST));
    assertEquals(0, r.code(), r.err());
    JsonNode j = r.json();
    assertEquals(1, j.get("schema").asInt());
    assertEquals("profile", j.get("kind").asText());
    Path model = Models.resolve("digits-cnn", dev.infercost.models.ModelFormat.ONNX);
    assertEquals(Hashes.sha256(model), j.get("modelSha256").asText());
    JsonNode f = j.get("fingerprint");
    assertEquals(1, f.get("threads").asInt());
    assertEquals(Runtime.getRuntime().availableProcessors(), f.get("logicalCores").asInt());
    CpuInfo cpu = CpuInfo.read();
    assertEquals(
        cpu.family().orElse(null), f.get("cpuFamily").isNull() ? null : f.get("cpuFamily").asInt());
    assertEquals(
        HostFingerprint.inferenceIsa(cpu.flags()), JSON.convertValue(f.get("isa"), List.class));
    assertTrue(f.get("onnxRuntime").asText().matches("\\d+\\.\\d+.*"), f.toString());
    assertTrue(f.get("djl").asText().matches("\\d+\\.\\d+.*"), f.toString());
    // It reads back as the fingerprint type.
    assertEquals(f.get("cpuModel").asText(), HostFingerprint.fromJson(f, "fingerprint").cpuModel());
  }

  @Test
  @Tag("slow")
  void profilesFromTwoOtherHostsArePricedAsMeasuredThere() throws Exception {
    // 1. choose once, writing the variants: what a team ships to its other machines.
    Path out = Files.createDirectories(tmp.resolve("choose"));
    CliTest.Run first = run(concat(CHOOSE, "--out", out.toString()));
    assertEquals(0, first.code(), first.err());
    JsonNode report = first.json();
    assertTrue(report.get("fingerprint").get("cpuModel").isTextual(), report.toString());
    String sha = report.get("variants").get("fp32").get("sha256").asText();
    Path variant = Path.of(report.get("variants").get("fp32").get("file").asText());
    assertEquals(Hashes.sha256(variant), sha);
    for (JsonNode row : report.get("table")) {
      assertEquals("estimated", row.get("provenance").get("kind").asText(), row.toString());
    }

    // 2. "On each host": profile --json of the variant file, one folder per host.
    Path results = tmp.resolve("results");
    writeProfile(variant, ZEN3, results.resolve("runner-zen3"));
    writeProfile(variant, ZEN4, results.resolve("runner-zen4"));

    // 3. choose again with the collected files.
    CliTest.Run second = run(concat(CHOOSE, "--measurements", results.toString()));
    assertEquals(0, second.code(), second.err());
    JsonNode again = second.json();
    List<String> measured = new ArrayList<>();
    for (JsonNode row : again.get("table")) {
      String how = row.get("provenance").get("kind").asText();
      if (how.equals("measured")) {
        measured.add(row.get("hardwareId").asText());
        assertTrue(
            row.get("provenance").get("detail").asText().startsWith("AMD EPYC"), row.toString());
      }
    }
    assertEquals(
        List.of("aws-c6a.large", "aws-c7a.xlarge"),
        measured,
        () -> again.get("notes").toString() + again.get("table"));

    // A tampered hash is refused with one line, exit 2.
    Path zen3 = results.resolve("runner-zen3/profile.json");
    Files.writeString(zen3, Files.readString(zen3).replace(sha, new StringBuilder(sha).reverse()));
    assertBadInput(
        run(concat(CHOOSE, "--measurements", results.toString())), "none of the variants");
  }

  /** {@code profile --json} of {@code model} here, written as if measured on {@code host}. */
  private static void writeProfile(Path model, HostFingerprint host, Path dir) throws Exception {
    CliTest.Run r = run(concat(new String[] {"profile", model.toString(), "--threads", "1"}, FAST));
    assertEquals(0, r.code(), r.err());
    ObjectNode j = (ObjectNode) r.json();
    j.set("fingerprint", JSON.valueToTree(host));
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("profile.json"), JSON.writeValueAsString(j));
  }
}
