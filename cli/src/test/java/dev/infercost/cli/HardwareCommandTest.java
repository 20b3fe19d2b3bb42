package dev.infercost.cli;

import static dev.infercost.cli.CliTest.assertBadInput;
import static dev.infercost.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.infercost.cost.Catalog;
import dev.infercost.cost.CostModel;
import dev.infercost.cost.HardwareEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code infercost hardware}: the catalog, listed or one entry in full. */
class HardwareCommandTest {
  @TempDir Path tmp;

  @Test
  void listsEveryBuiltinEntryAsJson() throws Exception {
    CliTest.Run r = run("hardware", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode json = r.json();
    assertEquals("builtin", json.get("catalog").asText());
    List<HardwareEntry> entries = Catalog.builtin().entries();
    assertEquals(entries.size(), json.get("entries").size());
    for (int i = 0; i < entries.size(); i++) {
      JsonNode e = json.get("entries").get(i);
      assertEquals(entries.get(i).id(), e.get("id").asText());
      assertEquals(entries.get(i).provider(), e.get("provider").asText());
      assertTrue(e.get("priceSource").hasNonNull("date"), e.toString());
    }
  }

  @Test
  void theTableShowsPriceSourceAndDate() throws Exception {
    CliTest.Run r = run("hardware");
    assertEquals(0, r.code(), r.err());
    String firstLine = r.out().lines().findFirst().orElseThrow();
    for (String column :
        List.of("id", "provider", "vCPUs", "accelerator", "CPU int8", "GPU int8", "$/h", "price")) {
      assertTrue(firstLine.contains(column), firstLine);
    }
    HardwareEntry t4 = Catalog.builtin().require("t4");
    String row = r.out().lines().filter(l -> l.startsWith(t4.id() + " ")).findFirst().orElseThrow();
    assertTrue(row.contains("1x " + t4.accelerator().name()), row);
    assertTrue(
        row.contains(String.format(java.util.Locale.ROOT, "%.4f", t4.priceUsdPerHour())), row);
    assertTrue(r.out().contains(t4.priceSource().source()), "source in the footnotes");
  }

  @Test
  void showsOneEntryByAliasWithItsHourlyCost() throws Exception {
    CliTest.Run r = run("hardware", "T4", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode json = r.json();
    HardwareEntry t4 = Catalog.builtin().require("t4");
    assertEquals(t4.id(), json.get("entry").get("id").asText());
    assertEquals(
        t4.accelerator().name(), json.get("entry").get("accelerator").get("name").asText());
    assertEquals(t4.priceUsdPerHour(), json.get("usdPerHour").asDouble(), 1e-12);
    assertTrue(json.get("onPremHourly").isNull());

    CliTest.Run text = run("hardware", "t4");
    assertEquals(0, text.code(), text.err());
    assertTrue(text.out().contains(t4.priceSource().date()), text.out());
  }

  @Test
  void onPremisesEntriesShowTheAmortizedHourlyCost() throws Exception {
    HardwareEntry onPrem =
        Catalog.builtin().entries().stream()
            .filter(e -> e.kind() == HardwareEntry.Kind.ONPREM)
            .findFirst()
            .orElseThrow();
    JsonNode json = run("hardware", onPrem.id(), "--json").json();
    double total = CostModel.onPremHourly(onPrem.onPrem()).totalUsdPerHour();
    assertEquals(total, json.get("usdPerHour").asDouble(), 1e-9);
    assertEquals(total, json.get("onPremHourly").get("totalUsdPerHour").asDouble(), 1e-9);
  }

  @Test
  void readsACatalogFileThatExtendsTheBuiltinOne() throws Exception {
    Path file =
        Files.writeString(
            tmp.resolve("my.json"),
            """
            {"schema": 1, "extends": "builtin", "entries": [
              {"id": "my-box", "provider": "acme", "region": "eu", "kind": "cpu",
               "vcpus": 8, "memoryGib": 32, "priceUsdPerHour": 0.5,
               "priceSource": {"source": "our quote", "date": "2025-01"}}]}
            """);
    JsonNode json = run("hardware", "--hardware-catalog", file.toString(), "--json").json();
    int n = Catalog.builtin().entries().size();
    assertEquals(n + 1, json.get("entries").size());
    assertEquals("my-box", json.get("entries").get(n).get("id").asText());
    CliTest.Run one = run("hardware", "my-box", "--hardware-catalog", file.toString());
    assertEquals(0, one.code(), one.err());
    assertTrue(one.out().contains("our quote; 2025-01"), one.out());
  }

  @Test
  void unknownEntriesAndBadCatalogsAreOneLineErrors() throws Exception {
    assertBadInput(run("hardware", "no-such-box"), "'no-such-box'");
    Path bad = Files.writeString(tmp.resolve("bad.json"), "{\"schema\": 2, \"entries\": []}");
    assertBadInput(run("hardware", "--hardware-catalog", bad.toString()), bad.toString());
  }

  /** The suite example tells users to look its hardware ids up with this command. */
  @Test
  void everyHardwareIdOfTheExampleSuiteIsListed() throws Exception {
    String suite = Files.readString(Path.of("..", "benchmarks", "suites", "example.yaml"));
    assertTrue(suite.contains("infercost hardware"), "the pointer this test keeps true");
    List<String> ids = new ArrayList<>();
    Matcher block = Pattern.compile("(?m)^hardware:.*\\n((?:\\s+- .*\\n)+)").matcher(suite);
    assertTrue(block.find(), "no hardware list in the example suite");
    Matcher item = Pattern.compile("(?m)^\\s+- (\\S+)").matcher(block.group(1));
    while (item.find()) {
      ids.add(item.group(1));
    }
    assertTrue(ids.remove("host"), "the example prices this machine's own entry: " + ids);
    assertTrue(ids.size() >= 2, ids.toString());
    for (String id : ids) {
      CliTest.Run r = run("hardware", id, "--json");
      assertEquals(0, r.code(), id + ": " + r.err());
    }
  }
}
