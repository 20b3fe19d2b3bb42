package dev.infercost.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.cost.Figure;
import dev.infercost.cost.Optimizer;
import dev.infercost.profile.HostInfo;
import dev.infercost.workflows.ChooseReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code choose --qps}: ranked by the cost at the demand, idle capacity shown. */
class ChooseDemandTest {
  private static final Figure.Provenance HERE = Figure.Provenance.measured("test host");

  // a: 100/s on $1/h; b: 60/s on $0.55/h. Busy, b is cheaper ($2.55 vs $2.78 per 1M); at 100/s,
  // a needs one replica ($1/h, none idle) and b two ($1.10/h, 1 - 100/120 = 16.7 % idle).
  private static final List<Optimizer.Row> ROWS =
      List.of(
          new Optimizer.Row("v", 0, "a", 1, 1, 100, HERE),
          new Optimizer.Row("v", 0, "b", 1, 1, 60, HERE));
  private static final Map<String, Double> PRICES = Map.of("a", 1.0, "b", 0.55);

  private static String print(Double qps) {
    Optimizer.Result result = Optimizer.choose(ROWS, PRICES, new Optimizer.Request(0.01, 100, qps));
    ChooseReport r =
        new ChooseReport(
            1,
            "choose",
            "m",
            new ChooseReport.BoundInfo("max-accuracy-drop", 0.01, "accuracy drop", 0.01),
            null,
            Map.of(),
            ROWS,
            result,
            null,
            List.of(),
            List.of(),
            HostInfo.current(),
            null,
            null);
    StringWriter out = new StringWriter();
    ChooseCommand.print(new PrintWriter(out), r, 15);
    return out.toString();
  }

  /** The table's header line and the rows after it. */
  private static List<String> table(String out) {
    List<String> lines = out.lines().toList();
    int h = 0;
    while (!(lines.get(h).contains("variant") && lines.get(h).contains("hardware"))) {
      h++;
    }
    return lines.subList(h, lines.size());
  }

  @Test
  void demandRanksByCostAtDemandWithIdleShare() {
    List<String> lines = table(print(100.0));
    String header = lines.get(0);
    assertTrue(header.contains("replicas") && header.contains("idle"), header);
    assertTrue(header.contains("per 1M inf. at demand"), header);
    assertTrue(lines.get(1).contains(" a ") && lines.get(1).contains("0.0%"), lines.get(1));
    assertTrue(lines.get(2).contains(" b ") && lines.get(2).contains("16.7%"), lines.get(2));
    // $1/h for 100/s: $2.78 per 1M; b: $1.10/h for 100/s: $3.06.
    assertTrue(lines.get(1).contains("$2.78"), lines.get(1));
    assertTrue(lines.get(2).contains("$3.06"), lines.get(2));
  }

  @Test
  void withoutDemandTheBusyCostRanks() {
    List<String> lines = table(print(null));
    assertTrue(!lines.get(0).contains("idle"), lines.get(0));
    assertTrue(lines.get(1).contains(" b "), lines.get(1));
    assertEquals(5, lines.size(), "header, two rows, the ranges line, the pareto line");
    assertTrue(lines.get(3).startsWith("Ranges: measured rows"), lines.get(3));
  }
}
