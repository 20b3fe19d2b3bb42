package dev.infercost.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.base.InfercostException;
import dev.infercost.base.Parameter;
import dev.infercost.cost.Catalog;
import dev.infercost.cost.Figure;
import dev.infercost.cost.Optimizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measurement files from other hosts: a Zen 3 (AVX2, 2 vCPUs) {@code profile --json} report and a
 * Zen 4 (AVX-512, 4 vCPUs) {@code bench} results file, read against the built-in catalog.
 */
class MeasurementsTest {
  static final String SHA = "a".repeat(64);
  static final String OTHER_SHA = "b".repeat(64);

  @TempDir Path tmp;

  /** Writes fixture {@code name} with its model sha256 set to {@code sha}. */
  static Path fixture(Path dir, String name, String sha) throws IOException {
    try (InputStream in = MeasurementsTest.class.getResourceAsStream("measurements/" + name)) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("@SHA@", sha);
      Files.createDirectories(dir);
      return Files.writeString(dir.resolve(name), text);
    }
  }

  private static Optimizer.Row estimated(String variant, String hardware, int batch) {
    return new Optimizer.Row(
        variant, 0.0, hardware, batch, 9.0, 100.0, Figure.Provenance.estimated("projected"));
  }

  @Test
  void aZen3ProfileTurnsTheC6aRowsIntoMeasuredOnThatHost() throws Exception {
    fixture(tmp.resolve("c6a"), "zen3-profile.json", SHA);
    Measurements m = Measurements.read(List.of(tmp), Catalog.builtin());
    assertEquals(2, m.points().size());
    assertEquals("aws-c6a.large", m.points().get(0).entry().id());

    List<Optimizer.Row> rows =
        List.of(
            estimated("fp32", "aws-c6a.large", 1),
            estimated("fp32", "aws-c7i.large", 1),
            estimated("int8-dynamic", "aws-c6a.large", 1));
    Set<String> notes = new LinkedHashSet<>();
    List<Optimizer.Row> out =
        m.apply(
            rows,
            Map.of("fp32", SHA, "int8-dynamic", OTHER_SHA),
            Map.of("fp32", 0.0, "int8-dynamic", 0.002),
            List.of("aws-c6a.large", "aws-c7i.large"),
            List.of(1),
            notes);

    Optimizer.Row measured = out.get(0);
    assertEquals(Figure.Provenance.Kind.MEASURED, measured.provenance().kind());
    assertTrue(
        measured
            .provenance()
            .toString()
            .startsWith(
                "measured on AMD EPYC 7R13 Processor (family 25 model 1, 2 logical CPUs, 2 threads)"
                    + " = aws-c6a.large"),
        measured.provenance().toString());
    assertEquals(900.0, measured.throughputPerS(), 0.0);
    assertEquals(2.5, measured.p99Ms(), 0.0);
    // Another entry, and another variant on the same entry, stay projected.
    assertSame(rows.get(1), out.get(1));
    assertSame(rows.get(2), out.get(2));
    // Batch 8 was measured but not priced: said once.
    assertEquals(1, notes.size(), notes.toString());
    assertTrue(notes.iterator().next().contains("batch 8 not used"), notes.toString());
  }

  @Test
  void aCudaProfileOnOneT4PricesEveryEntryWithOneT4AsMeasured() throws Exception {
    fixture(tmp.resolve("gpu-box"), "t4-profile.json", SHA);
    Measurements m = Measurements.read(List.of(tmp), Catalog.builtin());
    // Two results x the two catalog entries with one T4 (AWS g4dn.xlarge, Azure NC4as T4 v3).
    assertEquals(
        Set.of("aws-g4dn.xlarge", "azure-nc4as_t4_v3"),
        Set.copyOf(m.points().stream().map(p -> p.entry().id()).toList()));
    assertEquals(4, m.points().size());
    List<Optimizer.Row> out =
        m.apply(
            List.of(
                estimated("auto-gpu", "aws-g4dn.xlarge", 1), estimated("fp32", "aws-c6a.large", 1)),
            Map.of("auto-gpu", SHA),
            Map.of("auto-gpu", 0.001),
            List.of("aws-g4dn.xlarge", "aws-c6a.large"),
            List.of(1),
            new LinkedHashSet<>());
    Optimizer.Row t4 = out.get(0);
    assertEquals(Figure.Provenance.Kind.MEASURED, t4.provenance().kind());
    assertEquals(900.0, t4.throughputPerS(), 0.0);
    assertTrue(
        t4.provenance().detail().startsWith("Tesla T4 on AMD EPYC 7R13")
            && t4.provenance().detail().contains("same GPU as aws-g4dn.xlarge"),
        t4.provenance().detail());
    assertEquals(Figure.Provenance.Kind.ESTIMATED, out.get(1).provenance().kind());
  }

  @Test
  void aCudaProfileOnAGpuTheCatalogLacksIsRefusedWithOneLine() throws Exception {
    Path f = fixture(tmp, "t4-profile.json", SHA);
    Files.writeString(f, Files.readString(f).replace("Tesla T4", "NVIDIA L40S"));
    InfercostException e =
        assertThrows(
            InfercostException.class, () -> Measurements.read(List.of(tmp), Catalog.builtin()));
    assertTrue(
        e.getMessage().contains("1 x NVIDIA L40S, which matches no GPU entry"), e.getMessage());
    // Four T4s are not the one-T4 entries.
    Files.writeString(
        f,
        Files.readString(f)
            .replace("NVIDIA L40S", "Tesla T4")
            .replace("\"count\": 1", "\"count\": 4"));
    e =
        assertThrows(
            InfercostException.class, () -> Measurements.read(List.of(tmp), Catalog.builtin()));
    assertTrue(e.getMessage().contains("4 x Tesla T4"), e.getMessage());
  }

  @Test
  void filesFromTwoHostsMergeAndEachPricesItsOwnEntry() throws Exception {
    fixture(tmp.resolve("runner-c6a"), "zen3-profile.json", SHA);
    fixture(tmp.resolve("runner-c7a"), "zen4-bench.json", SHA);
    Measurements m =
        Measurements.read(
            List.of(tmp.resolve("runner-c6a"), tmp.resolve("runner-c7a")), Catalog.builtin());
    List<Optimizer.Row> out =
        m.apply(
            List.of(estimated("fp32", "aws-c6a.large", 1), estimated("fp32", "aws-c7a.xlarge", 1)),
            Map.of("fp32", SHA),
            Map.of("fp32", 0.0),
            List.of("aws-c6a.large", "aws-c7a.xlarge"),
            List.of(1),
            new LinkedHashSet<>());
    assertEquals(Figure.Provenance.Kind.MEASURED, out.get(0).provenance().kind());
    assertEquals(Figure.Provenance.Kind.MEASURED, out.get(1).provenance().kind());
    assertTrue(out.get(1).provenance().detail().startsWith("AMD EPYC 9R14"), out.toString());
    assertTrue(out.get(1).provenance().detail().contains("= aws-c7a.xlarge"), out.toString());
    assertEquals(2000.0, out.get(1).throughputPerS(), 0.0);
    // p99 from the latency samples, not the median.
    assertTrue(out.get(1).p99Ms() > 0.5, out.toString());
  }

  @Test
  void anEntryThatCouldNotBeProjectedGetsTheMeasuredRow() throws Exception {
    fixture(tmp, "zen4-bench.json", SHA);
    Measurements m = Measurements.read(List.of(tmp), Catalog.builtin());
    List<Optimizer.Row> out =
        m.apply(
            List.of(estimated("fp32", "aws-c6a.large", 1)),
            Map.of("fp32", SHA),
            Map.of("fp32", 0.0),
            List.of("aws-c6a.large", "aws-c7a.xlarge"),
            List.of(1),
            new LinkedHashSet<>());
    assertEquals(2, out.size());
    assertEquals("aws-c7a.xlarge", out.get(1).hardwareId());
    assertEquals(Figure.Provenance.Kind.MEASURED, out.get(1).provenance().kind());
  }

  @Test
  void aTamperedModelHashIsRefusedWithOneLine() throws Exception {
    Path f = fixture(tmp, "zen3-profile.json", SHA);
    Files.writeString(f, Files.readString(f).replace(SHA, "0" + SHA.substring(1)));
    Measurements m = Measurements.read(List.of(tmp), Catalog.builtin());
    InfercostException e =
        assertThrows(
            InfercostException.class,
            () ->
                m.apply(
                    List.of(estimated("fp32", "aws-c6a.large", 1)),
                    Map.of("fp32", SHA),
                    Map.of("fp32", 0.0),
                    List.of("aws-c6a.large"),
                    List.of(1),
                    new LinkedHashSet<>()));
    assertOneLine(e, f.toString());
    assertTrue(e.getMessage().contains("none of the variants built here (fp32 aaaaaaaaaaaa)"));
    assertEquals(Parameter.MEASUREMENTS, e.hint().orElseThrow());
  }

  @Test
  void theSameMeasurementTwiceIsRefused() throws Exception {
    fixture(tmp.resolve("a"), "zen3-profile.json", SHA);
    fixture(tmp.resolve("b"), "zen3-profile.json", SHA);
    InfercostException e =
        assertThrows(
            InfercostException.class, () -> Measurements.read(List.of(tmp), Catalog.builtin()));
    assertOneLine(e, "already does");
    assertTrue(
        e.getMessage().contains("aws-c6a.large at batch 1 with 2 thread(s)"), e.getMessage());
    // Another thread count of the same model, hardware and batch is no duplicate.
    Path b = tmp.resolve("b/zen3-profile.json");
    Files.writeString(
        b, Files.readString(b).replace("\"threads\": 2,\n  \"input", "\"threads\": 1,\n  \"input"));
    assertEquals(4, Measurements.read(List.of(tmp), Catalog.builtin()).points().size());
  }

  @Test
  void unknownFilesAreRefused() throws Exception {
    fixture(tmp, "zen3-profile.json", SHA);
    Files.writeString(tmp.resolve("notes.txt"), "collected on Tuesday");
    assertOneLine(
        assertThrows(
            InfercostException.class, () -> Measurements.read(List.of(tmp), Catalog.builtin())),
        "notes.txt: not valid JSON");
    Files.delete(tmp.resolve("notes.txt"));
    Files.writeString(tmp.resolve("report.json"), "{\"schema\": 1, \"kind\": \"choose\"}");
    assertOneLine(
        assertThrows(
            InfercostException.class, () -> Measurements.read(List.of(tmp), Catalog.builtin())),
        "report.json: is not a measurement file");
  }

  @Test
  void aHostThatMatchesNoEntryIsRefusedNamingTheCatalogFix() throws Exception {
    Path f = fixture(tmp, "zen3-profile.json", SHA);
    Files.writeString(
        f,
        Files.readString(f)
            .replace("AMD EPYC 7R13 Processor", "SiFive P670")
            .replace("\"amd64\"", "\"riscv64\"")
            .replace("\"logicalCores\": 2", "\"logicalCores\": 3")
            .replace("\"physicalCores\": 1", "\"physicalCores\": 3"));
    InfercostException e =
        assertThrows(
            InfercostException.class, () -> Measurements.read(List.of(tmp), Catalog.builtin()));
    assertOneLine(e, "measured on SiFive P670");
    assertTrue(e.getMessage().contains("add an entry for that machine"), e.getMessage());
  }

  @Test
  void aFileWithoutFingerprintOrHashIsRefused() throws Exception {
    Path f = fixture(tmp, "zen3-profile.json", SHA);
    String text = Files.readString(f);
    Files.writeString(f, text.replace("\"modelSha256\": \"" + SHA + "\",", ""));
    assertOneLine(
        assertThrows(
            InfercostException.class, () -> Measurements.read(List.of(tmp), Catalog.builtin())),
        "has no modelSha256");
    Files.writeString(f, text.replace("\"cpuFamily\": 25", "\"cpuFamily\": 25, \"turbo\": true"));
    assertOneLine(
        assertThrows(
            InfercostException.class, () -> Measurements.read(List.of(tmp), Catalog.builtin())),
        "fingerprint");
  }

  private static void assertOneLine(InfercostException e, String what) {
    String m = e.getMessage();
    assertFalse(m.contains("\n"), m);
    assertTrue(m.contains(what), () -> "expected '" + what + "' in: " + m);
  }
}
