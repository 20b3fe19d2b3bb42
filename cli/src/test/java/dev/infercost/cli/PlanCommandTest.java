package dev.infercost.cli;

import static dev.infercost.cli.CliTest.assertBadInput;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code infercost plan} end to end on the bundled example spec and demand. */
class PlanCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DEMAND =
      Path.of("..", "examples", "plan", "demand-week.csv").toString();
  private static final String SPEC = Path.of("..", "examples", "plan", "own.yaml").toString();

  @TempDir Path tmp;

  @Test
  void bundledExamplePlansWholeMachinesPerPeriod() throws IOException {
    Path out = tmp.resolve("out");
    Path html = tmp.resolve("plan.html");
    CliTest.Run r =
        CliTest.run(
            "plan",
            "--throughput",
            "40",
            "--demand",
            DEMAND,
            "--own",
            SPEC,
            "--out",
            out.toString(),
            "--html",
            html.toString(),
            "-q");
    assertEquals(0, r.code(), r.err());
    String first = r.out().lines().findFirst().orElseThrow();
    assertTrue(first.startsWith("Own "), first);
    assertTrue(first.contains("per 1M; owning breaks even at"), first);
    assertTrue(r.out().contains("the quietest and the busiest of 168 periods"), r.out());

    JsonNode j = JSON.readTree(out.resolve("report.json").toFile());
    assertEquals("plan", j.get("kind").asText());
    JsonNode plan = j.get("plan");
    assertEquals(168, plan.get("periods").size());
    double perMachine = j.get("own").get("machine").get("throughputPerS").asDouble();
    assertEquals(16 * 40, perMachine, 1e-9, "16 replicas per machine from the spec");
    double sum = 0;
    for (JsonNode p : plan.get("periods")) {
      assertTrue(p.get("own").isIntegralNumber() && p.get("onDemand").isIntegralNumber());
      assertTrue(p.get("capacityQps").asDouble() >= p.get("period").get("demandQps").asDouble());
      sum += p.get("usd").asDouble();
    }
    assertEquals(plan.get("totalUsd").asDouble(), sum, 1e-6 * sum);
    assertTrue(plan.get("totalUsd").asDouble() >= plan.get("relaxedUsd").asDouble() - 1e-6);
    assertEquals(6, j.get("sensitivity").size());
    assertTrue(Files.readString(out.resolve("report.md")).contains("## Fleet per period"));
    String page = Files.readString(html);
    assertTrue(page.contains("<svg") && page.contains("mon 14:00"), "chart with period titles");
    assertFalse(page.contains("<script"));
  }

  @Test
  void constantDemandAndFlagsOverTheSpec() throws IOException {
    // 16000/s constant. An owned machine of 16 x 100/s costs about $0.79/h; the same capacity
    // reserved (35 % off $0.10264/h, 16 machines) about $1.07/h: own as many as allowed, reserve
    // the rest (spot turned off with a zero share).
    CliTest.Run r =
        CliTest.run(
            "plan",
            "--throughput",
            "100",
            "--qps",
            "16000",
            "--own",
            SPEC,
            "--replicas-per-machine",
            "16",
            "--own-max",
            "3",
            "--spot-share",
            "0",
            "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = r.json();
    assertEquals(3, j.get("plan").get("ownMachines").asLong(), "capped by --own-max");
    assertEquals((16000 - 3 * 1600) / 100, j.get("plan").get("reservedMachines").asLong());
    assertEquals(16, j.get("own").get("replicasPerMachine").asDouble(), 0);
    assertEquals("constant", j.get("demand").get("source").asText());
  }

  @Test
  void badDemandRowsAreOneLineAndWriteNothing() throws IOException {
    Path out = tmp.resolve("out");
    Path html = tmp.resolve("plan.html");
    String[][] cases = {
      {"period,qps\nmon,10\ntue,-3\n", "row 3: qps must be >= 0"},
      {"period,qps\nmon,NaN\n", "row 2: qps 'NaN' is not a finite decimal number"},
      {"period,load\nmon,1\n", "row 1: unknown column 'load'"},
      {"period,qps\n", "no periods after the header"},
    };
    for (String[] c : cases) {
      Path csv = tmp.resolve("demand.csv");
      Files.writeString(csv, c[0]);
      CliTest.Run r =
          CliTest.run(
              "plan",
              "--throughput",
              "40",
              "--demand",
              csv.toString(),
              "--own",
              SPEC,
              "--out",
              out.toString(),
              "--html",
              html.toString());
      assertBadInput(r, csv + ": " + c[1]);
      assertTrue(r.err().contains("(--demand or --qps)"), r.err());
      assertFalse(Files.exists(out), "no output folder");
      assertFalse(Files.exists(html), "no HTML");
    }
  }

  @Test
  void refusesOutputsOverInputsAndBadOptions() throws IOException {
    Path csv = tmp.resolve("demand.csv");
    Files.copy(Path.of(DEMAND), csv);
    byte[] before = Files.readAllBytes(csv);
    assertBadInput(
        CliTest.run(
            "plan",
            "--throughput",
            "40",
            "--demand",
            csv.toString(),
            "--own",
            SPEC,
            "--html",
            csv.toString()),
        "would overwrite the demand profile");
    assertEquals(new String(before), new String(Files.readAllBytes(csv)));
    assertBadInput(
        CliTest.run("plan", "--throughput", "40", "--qps", "10", "--demand", DEMAND), "plan: ");
    assertBadInput(
        CliTest.run("plan", "--qps", "10", "--own", SPEC), "one source of per-replica throughput");
    assertBadInput(
        CliTest.run("plan", "--throughput", "40", "--qps", "10", "--cloud", "aws-c7a.large"),
        "own hardware: no purchaseUsd");
    assertBadInput(
        CliTest.run(
            "plan", "--throughput", "40", "--qps", "10", "--own", SPEC, "--spot-discount", "1.5"),
        "spot discount must be in [0, 1)");
    assertBadInput(
        CliTest.run("plan", "--throughput", "40", "--qps", "10", "--own", SPEC, "--cloud", "nope"),
        "nope");
    Path spec = tmp.resolve("spec.yaml");
    Files.writeString(spec, "own:\n  purchase: 1\n");
    assertBadInput(
        CliTest.run("plan", "--throughput", "40", "--qps", "10", "--own", spec.toString()),
        "purchase");
  }

  @Test
  void throughputFromAChooseReportOrBenchResults() throws IOException {
    ObjectNode choose = JSON.createObjectNode().put("schema", 1).put("kind", "choose");
    var ranked = choose.putObject("result").putArray("ranked");
    row(ranked.addObject(), "int8-dynamic", "aws-c7i.large", 90);
    row(ranked.addObject(), "int8-dynamic", "aws-c7a.large", 80);
    row(ranked.addObject(), "fp32", "aws-c7a.large", 30);
    Path report = tmp.resolve("report.json");
    JSON.writeValue(report.toFile(), choose);
    // The spec rents aws-c7a.large: the winner's row there.
    JsonNode j =
        CliTest.run("plan", "--variant", report.toString(), "--qps", "100", "--own", SPEC, "--json")
            .json();
    assertEquals(80, j.get("throughput").get("perReplicaQps").asDouble(), 0);
    assertTrue(j.get("throughput").get("source").asText().startsWith("int8-dynamic on aws-c7a"));
    // Without a cloud instance, the winner's hardware is rented.
    Path bare = tmp.resolve("own.yaml");
    Files.writeString(bare, "own:\n  catalog: onprem-cpu-2s-example\n");
    j =
        CliTest.run(
                "plan",
                "--variant",
                report.toString(),
                "--qps",
                "100",
                "--own",
                bare.toString(),
                "--json")
            .json();
    assertEquals("aws-c7i.large", j.get("cloud").get("machine").get("id").asText());
    assertEquals(90, j.get("throughput").get("perReplicaQps").asDouble(), 0);
    assertBadInput(
        CliTest.run(
            "plan",
            "--variant",
            report.toString(),
            "--pick",
            "fp16",
            "--qps",
            "100",
            "--own",
            SPEC),
        "no ranked row for variant 'fp16' on aws-c7a.large");

    ObjectNode bench = JSON.createObjectNode().put("schema", 1).put("kind", "bench");
    bench.putObject("provenance").putObject("host").put("cpuModel", "Some CPU");
    var entries = bench.putArray("entries");
    entries.addObject().put("name", "a").put("throughput", 12.5);
    entries.addObject().put("name", "b").put("throughput", 20);
    Path results = tmp.resolve("results.json");
    JSON.writeValue(results.toFile(), bench);
    j =
        CliTest.run(
                "plan",
                "--variant",
                results.toString(),
                "--pick",
                "b",
                "--qps",
                "100",
                "--own",
                SPEC,
                "--json")
            .json();
    assertEquals(20, j.get("throughput").get("perReplicaQps").asDouble(), 0);
    assertTrue(j.get("throughput").get("source").asText().contains("Some CPU"));
    assertBadInput(
        CliTest.run("plan", "--variant", results.toString(), "--qps", "100", "--own", SPEC),
        "2 entries (a, b); pick one");
  }

  private static void row(ObjectNode candidate, String variant, String hw, double qps) {
    ObjectNode row = candidate.putObject("row");
    row.put("variant", variant).put("hardwareId", hw).put("batch", 1).put("throughputPerS", qps);
    row.putObject("provenance").put("kind", "measured").put("detail", "test host");
  }

  @Test
  void measuresTheBundledModelHere() throws IOException {
    CliTest.Run r =
        CliTest.run(
            "plan",
            "digits-mlp",
            "--threads",
            "1",
            "--demand",
            DEMAND,
            "--own",
            SPEC,
            "--json",
            "-q");
    assertEquals(0, r.code(), r.err());
    JsonNode j = r.json();
    assertTrue(j.get("throughput").get("perReplicaQps").asDouble() > 0);
    assertTrue(j.get("throughput").get("source").asText().contains("digits-mlp measured on"));
    assertTrue(j.get("verdict").asText().contains("per 1M"));
  }
}
