package dev.infercost.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.cost.HardwareEntry.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogTest {
  private static final Catalog BUILTIN = Catalog.builtin();

  @TempDir Path dir;

  // ---- the built-in catalog

  @Test
  void builtinHasCloudEntriesOfEveryProviderAndKind() throws Exception {
    long cloud = BUILTIN.entries().stream().filter(e -> e.kind() != Kind.ONPREM).count();
    assertTrue(cloud >= 15, "cloud entries: " + cloud);
    Map<String, Long> byProvider =
        BUILTIN.entries().stream()
            .collect(Collectors.groupingBy(HardwareEntry::provider, Collectors.counting()));
    for (String p : new String[] {"aws", "gcp", "azure"}) {
      assertTrue(byProvider.getOrDefault(p, 0L) >= 3, p + ": " + byProvider);
    }
    for (Kind k : Kind.values()) {
      assertTrue(BUILTIN.entries().stream().anyMatch(e -> e.kind() == k), k.label());
    }
    assertTrue(BUILTIN.entries().stream().filter(e -> e.kind() == Kind.ONPREM).count() >= 2);
  }

  @Test
  void everyEntryHasSourceDateAndPositivePrice() throws Exception {
    for (HardwareEntry e : BUILTIN.entries()) {
      assertFalse(e.priceSource().source().isBlank(), e.id());
      assertFalse(e.priceSource().date().isBlank(), e.id());
      assertTrue(CostModel.hourlyUsd(e) > 0, e.id());
      if (e.kind() != Kind.ONPREM) {
        assertNotNull(e.priceSource().commit(), e.id());
        assertNotNull(e.priceSource().url(), e.id());
        assertEquals("catalog snapshot", e.priceSource().date(), e.id());
      } else {
        for (HardwareEntry.Sourced s :
            new HardwareEntry.Sourced[] {
              e.onPrem().purchaseUsd(), e.onPrem().lifeYears(), e.onPrem().powerW(),
              e.onPrem().pue(), e.onPrem().usdPerKwh(), e.onPrem().opsShareYearly()
            }) {
          assertFalse(s.source().isBlank(), e.id());
        }
      }
      if (e.accelerator() != null && !e.accelerator().derivedFields().isEmpty()) {
        assertNotNull(e.accelerator().note(), e.id());
      }
    }
  }

  @Test
  void pricesMatchTheFactsSheetRowForRow() throws Exception {
    Map<String, Double> expected =
        Map.ofEntries(
            Map.entry("aws-c7i.large", 0.08925),
            Map.entry("aws-c7i.xlarge", 0.1785),
            Map.entry("aws-c7a.large", 0.10264),
            Map.entry("aws-c7a.xlarge", 0.20528),
            Map.entry("aws-c7g.large", 0.0725),
            Map.entry("aws-c7g.xlarge", 0.145),
            Map.entry("aws-m7i.xlarge", 0.2016),
            Map.entry("aws-g4dn.xlarge", 0.526),
            Map.entry("aws-g5.xlarge", 1.006),
            Map.entry("aws-g6.xlarge", 0.8048),
            Map.entry("aws-p4d.24xlarge", 21.957642),
            Map.entry("aws-p5.48xlarge", 55.04),
            Map.entry("aws-c6a.large", 0.0765),
            Map.entry("gcp-n2-standard-2", 0.09712),
            Map.entry("gcp-c3-standard-4", 0.20161),
            Map.entry("gcp-t2a-standard-2", 0.077),
            Map.entry("gcp-g2-standard-4", 0.14679 + 0.56004),
            Map.entry("gcp-a2-highgpu-1g", 0.73948 + 2.93391),
            Map.entry("gcp-a3-highgpu-8g", 9.46006 + 33.60609),
            Map.entry("azure-d2s_v5", 0.096),
            Map.entry("azure-f2s_v2", 0.0846),
            Map.entry("azure-d2ps_v5", 0.077),
            Map.entry("azure-nc4as_t4_v3", 0.526),
            Map.entry("azure-nc24ads_a100_v4", 3.673),
            Map.entry("azure-nc40ads_h100_v5", 6.98));
    for (Map.Entry<String, Double> x : expected.entrySet()) {
      HardwareEntry e = BUILTIN.find(x.getKey()).orElseThrow(() -> new AssertionError(x));
      assertEquals(x.getValue(), e.priceUsdPerHour(), 1e-9, x.getKey());
    }
    assertEquals(expected.size() + 2, BUILTIN.entries().size());
  }

  @Test
  void devHostIsC6aLargeFromTheAwsSnapshot() throws Exception {
    HardwareEntry e = BUILTIN.find("dev-host").orElseThrow();
    assertEquals("aws-c6a.large", e.id());
    assertEquals(2, e.vcpus());
    assertEquals(4.0, e.memoryGib());
    assertEquals("us-east-1", e.region());
    assertEquals("00148f2af3672e2229b4f7bf8157d5a3f36e3c35", e.priceSource().commit());
    assertTrue(e.cpu().family().contains("Milan"));
  }

  @Test
  void canonicalGpuAliasesResolveToSingleGpuEntries() throws Exception {
    for (String alias : new String[] {"t4", "a10g", "l4", "a100", "h100"}) {
      HardwareEntry e = BUILTIN.find(alias).orElseThrow(() -> new AssertionError(alias));
      assertEquals(Kind.GPU, e.kind(), alias);
      assertEquals(1, e.accelerator().count(), alias);
      assertTrue(e.accelerator().name().toLowerCase().startsWith(alias), e.accelerator().name());
    }
    assertEquals("aws-g4dn.xlarge", BUILTIN.find("T4").orElseThrow().id(), "case-insensitive");
    assertTrue(BUILTIN.find("tpu-v5").isEmpty());
  }

  @Test
  void coversIntelAmdAndArmCpus() throws Exception {
    Set<String> families =
        BUILTIN.entries().stream()
            .filter(e -> e.kind() == Kind.CPU && e.cpu().family() != null)
            .map(e -> e.cpu().family())
            .collect(Collectors.toSet());
    assertTrue(families.stream().anyMatch(f -> f.contains("Intel")), families.toString());
    assertTrue(families.stream().anyMatch(f -> f.contains("AMD")), families.toString());
    assertTrue(families.stream().anyMatch(f -> f.contains("Graviton")), families.toString());
    assertTrue(families.stream().anyMatch(f -> f.contains("Ampere")), families.toString());
  }

  @Test
  void unknownFiguresAreNullNotGuessed() throws Exception {
    HardwareEntry g5 = BUILTIN.require("a10g");
    assertNull(g5.accelerator().fp32Tflops());
    assertNull(g5.accelerator().tdpW());
    assertEquals(600.0, g5.accelerator().memoryBandwidthGbPerS());
    assertNull(BUILTIN.find("aws-g5.xlarge").orElseThrow().cpu().fp32GflopsPerCore());
    HardwareEntry h100 = BUILTIN.require("h100");
    assertEquals("H100 NVL", h100.accelerator().name());
    assertNull(h100.accelerator().fp16Tflops());
  }

  @Test
  void copiedFiguresAreLabelledDerived() throws Exception {
    assertTrue(BUILTIN.require("a100").accelerator().isDerived("fp16Tflops"));
    assertTrue(BUILTIN.require("a100-80gb").accelerator().isDerived("fp32Tflops"));
    assertFalse(BUILTIN.require("a100-80gb").accelerator().isDerived("memoryBandwidthGbPerS"));
    assertTrue(BUILTIN.require("aws-p5.48xlarge").accelerator().isDerived("int8Tops"));
    assertFalse(BUILTIN.require("aws-p4d.24xlarge").accelerator().isDerived("int8Tops"));
  }

  @Test
  void onPremEntriesAndTheTemplate() throws Exception {
    HardwareEntry dgx = BUILTIN.require("dgx-h100");
    assertEquals(Kind.ONPREM, dgx.kind());
    assertEquals(270_000, dgx.onPrem().purchaseUsd().value());
    assertEquals(8, dgx.accelerator().count());
    assertFalse(dgx.example());
    HardwareEntry template = BUILTIN.require("onprem-cpu-2s-example");
    assertTrue(template.example());
    assertTrue(template.onPrem().purchaseUsd().source().startsWith("example"));
  }

  @Test
  void requireNamesTheCatalog() throws Exception {
    CatalogException e = assertThrows(CatalogException.class, () -> BUILTIN.require("nope"));
    assertTrue(e.getMessage().startsWith("builtin: no entry"), e.getMessage());
  }

  // ---- user files

  private static final String C7I_CHEAP =
      """
      {"id": "aws-c7i.large", "aliases": ["c7i.large"], "provider": "aws", "region": "us-east-1",
       "kind": "cpu", "vcpus": 2, "memoryGib": 4, "priceUsdPerHour": 0.05,
       "priceSource": {"source": "my negotiated rate", "date": "2025-01"}}""";

  private static final String MY_BOX =
      """
      {"id": "my-box", "provider": "hetzner", "region": "fsn1", "kind": "cpu", "vcpus": 8,
       "memoryGib": 32, "priceUsdPerHour": 0.07,
       "priceSource": {"source": "invoice", "date": "2025-02"},
       "$comment": "keys starting with $ are ignored"}""";

  @Test
  void extendsBuiltinReplacesAndAdds() throws Exception {
    Path f =
        write(
            "override.json",
            "{\"schema\": 1, \"extends\": \"builtin\", \"entries\": ["
                + C7I_CHEAP
                + ","
                + MY_BOX
                + "]}");
    Catalog c = Catalog.load(f);
    assertEquals(BUILTIN.entries().size() + 1, c.entries().size());
    assertEquals(0.05, c.require("c7i.large").priceUsdPerHour());
    assertEquals("my negotiated rate", c.require("aws-c7i.large").priceSource().source());
    assertEquals(0.07, c.require("my-box").priceUsdPerHour());
    assertEquals(0.526, c.require("t4").priceUsdPerHour(), "untouched builtin entries stay");
    assertEquals("aws-c7i.large", c.entries().get(0).id(), "a replaced entry keeps its place");
    assertTrue(c.origin().contains("override.json"));
  }

  @Test
  void withoutExtendsTheFileStandsAlone() throws Exception {
    Catalog c = Catalog.load(write("mine.json", "{\"schema\": 1, \"entries\": [" + MY_BOX + "]}"));
    assertEquals(1, c.entries().size());
    assertTrue(c.find("t4").isEmpty());
  }

  @Test
  void readmeExampleOverrideLoads() throws Exception {
    // Surefire runs in the module folder, where the README lives.
    String readme = Files.readString(Path.of("README.md"));
    int start = readme.indexOf("```json\n") + "```json\n".length();
    String json = readme.substring(start, readme.indexOf("```", start));
    Catalog c = Catalog.load(write("my-prices.json", json));
    assertEquals(0.061, c.require("c7i.large").priceUsdPerHour());
    assertEquals(BUILTIN.entries().size() + 1, c.entries().size());
    assertTrue(CostModel.hourlyUsd(c.require("rack-7")) > 0);
  }

  // ---- malformed files: each a one-line CatalogException naming the file and the field

  @Test
  void badJson() throws IOException {
    assertCatalogError("{\"schema\": 1, \"entries\": [", "not valid JSON", "line 1");
  }

  @Test
  void duplicateJsonKeyAndTrailingContent() throws IOException {
    assertCatalogError("{\"schema\": 1, \"schema\": 1, \"entries\": []}", "not valid JSON");
    assertCatalogError("{\"schema\": 1, \"entries\": []} {}", "not valid JSON");
  }

  @Test
  void emptyFileAndNonObject() throws IOException {
    assertCatalogError("", "empty file");
    assertCatalogError("[1, 2]", "top level must be a JSON object");
  }

  @Test
  void wrongOrMissingSchema() throws IOException {
    assertCatalogError("{\"schema\": 2, \"entries\": []}", "'schema' is 2", "reads schema 1");
    assertCatalogError("{\"entries\": []}", "missing field 'schema'");
    assertCatalogError("{\"schema\": \"1\", \"entries\": []}", "'schema'");
  }

  @Test
  void missingEntriesOrBadExtends() throws IOException {
    assertCatalogError("{\"schema\": 1}", "missing field 'entries'");
    assertCatalogError(
        "{\"schema\": 1, \"extends\": \"aws\", \"entries\": []}", "'extends'", "builtin");
  }

  @Test
  void missingField() throws IOException {
    assertCatalogError(
        entries(
            MY_BOX.replace(
                "\"priceSource\": {\"source\": \"invoice\", \"date\": \"2025-02\"},", "")),
        "entry #1 'my-box'",
        "missing field 'priceSource'");
    assertCatalogError(
        entries(MY_BOX.replace("\"priceUsdPerHour\": 0.07,", "")),
        "'my-box'",
        "priceUsdPerHour is required");
    assertCatalogError(
        entries(MY_BOX.replace("\"date\": \"2025-02\"", "\"url\": \"x\"")),
        "missing field 'priceSource.date'");
    assertCatalogError(entries(MY_BOX.replace("\"id\": \"my-box\",", "")), "entry #1", "'id'");
  }

  @Test
  void negativePrice() throws IOException {
    assertCatalogError(
        entries(MY_BOX.replace("0.07", "-0.07")),
        "'my-box'",
        "priceUsdPerHour must be > 0, got -0.07");
    assertCatalogError(entries(MY_BOX.replace("0.07", "0")), "priceUsdPerHour must be > 0");
  }

  @Test
  void unknownKind() throws IOException {
    assertCatalogError(
        entries(MY_BOX.replace("\"cpu\"", "\"tpu\"")), "'kind' is 'tpu'", "cpu, gpu, onprem");
  }

  @Test
  void duplicateIds() throws IOException {
    assertCatalogError(entries(MY_BOX + "," + MY_BOX), "entry #2", "duplicate id 'my-box'");
    assertCatalogError(
        entries(MY_BOX + "," + MY_BOX.replace("my-box", "MY-BOX")), "duplicate id 'MY-BOX'");
  }

  @Test
  void wrongTypesAndUnknownFields() throws IOException {
    assertCatalogError(
        entries(MY_BOX.replace("\"vcpus\": 8", "\"vcpus\": 8.5")),
        "'vcpus' must be a whole number");
    assertCatalogError(
        entries(MY_BOX.replace("\"vcpus\": 8", "\"vcpus\": \"8\"")),
        "'vcpus' must be a whole number");
    assertCatalogError(
        entries(MY_BOX.replace("\"priceUsdPerHour\"", "\"priceUSDPerHour\"")),
        "unknown field 'priceUSDPerHour'");
    assertCatalogError(
        entries(MY_BOX.replace("\"kind\": \"cpu\"", "\"kind\": \"gpu\"")),
        "accelerator is required for kind gpu");
  }

  @Test
  void onPremProblems() throws Exception {
    String onprem =
        """
        {"id": "rack", "provider": "onprem", "region": "us", "kind": "onprem",
         "priceSource": {"source": "quote", "date": "2025-03"},
         "onPrem": {"purchaseUsd": {"value": PURCHASE, "source": "quote"},
                    "lifeYears": {"value": 5, "source": "policy"},
                    "powerW": {"value": 500, "source": "spec"},
                    "pue": {"value": 1.5, "source": "site"},
                    "usdPerKwh": {"value": 0.1, "source": "bill"},
                    "opsShareYearly": {"value": 0.1, "source": "guess"}}}""";
    Catalog ok = Catalog.load(write("ok.json", entries(onprem.replace("PURCHASE", "10000"))));
    assertTrue(CostModel.hourlyUsd(ok.require("rack")) > 0);
    assertCatalogError(
        entries(onprem.replace("PURCHASE", "-10000")), "'rack'", "onPrem.purchaseUsd must be > 0");
    assertCatalogError(
        entries(
            onprem
                .replace("PURCHASE", "1")
                .replace("\"lifeYears\": {\"value\": 5, \"source\": \"policy\"},", "")),
        "missing field 'onPrem.lifeYears'");
    assertCatalogError(
        entries(onprem.replace("PURCHASE", "1").replace("\"value\": 1.5", "\"value\": 0.9")),
        "onPrem.pue must be >= 1");
  }

  @Test
  void aliasClashWithBuiltin() throws IOException {
    String clash = MY_BOX.replace("\"provider\"", "\"aliases\": [\"t4\"], \"provider\"");
    assertCatalogError(
        "{\"schema\": 1, \"extends\": \"builtin\", \"entries\": [" + clash + "]}",
        "alias 't4'",
        "aws-g4dn.xlarge");
  }

  @Test
  void anEntryWithAbsurdlyManyVcpusIsRefused() throws Exception {
    assertCatalogError(
        entries(C7I_CHEAP.replace("\"vcpus\": 2", "\"vcpus\": 2147483647")),
        "vcpus must be in [1, 4096], got 2147483647");
  }

  @Test
  void missingFile() throws Exception {
    Path f = dir.resolve("absent.json");
    CatalogException e = assertThrows(CatalogException.class, () -> Catalog.load(f));
    assertTrue(e.getMessage().contains("absent.json"), e.getMessage());
    assertTrue(e.getMessage().contains("no such file"), e.getMessage());
  }

  private static String entries(String... entries) {
    return "{\"schema\": 1, \"entries\": [" + String.join(",", entries) + "]}";
  }

  private Path write(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  private void assertCatalogError(String json, String... fragments) throws IOException {
    Path f = write("bad-catalog.json", json);
    CatalogException e = assertThrows(CatalogException.class, () -> Catalog.load(f));
    String m = e.getMessage();
    assertTrue(m.startsWith(f.toString() + ": "), m);
    assertFalse(m.contains("\n") || m.contains("\r"), "one line: " + m);
    for (String fragment : fragments) {
      assertTrue(m.contains(fragment), "expected '" + fragment + "' in: " + m);
    }
  }
}
