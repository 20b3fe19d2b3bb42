package dev.infercost.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.cost.Figure;
import dev.infercost.cost.Optimizer;
import dev.infercost.cost.Sensitivity;
import dev.infercost.profile.HostInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The choose verdict names an estimated winner's best measured rival and calls a tie when the
 * runner-up is within {@link ChooseVerdict#TIE_PERCENT}; its HTML keeps every label inside.
 */
class ChooseVerdictTest {
  private static final Optimizer.Request REQUEST = new Optimizer.Request(0.01, 10, null);

  private static Optimizer.Row row(String variant, String hw, double perS, boolean measured) {
    return new Optimizer.Row(
        variant,
        0.002,
        hw,
        8,
        0.05,
        perS,
        measured
            ? Figure.Provenance.measured("this host")
            : Figure.Provenance.estimated("cpu-scaling"));
  }

  private static ChooseReport report(List<Optimizer.Row> rows, Map<String, Double> prices) {
    return new ChooseReport(
        1,
        "choose",
        "digits-cnn",
        "aws-c7a.large",
        Map.of(),
        rows,
        Optimizer.choose(rows, prices, REQUEST),
        Sensitivity.analyze(rows, prices, REQUEST),
        List.of(),
        List.of(),
        new HostInfo("AMD EPYC", 2, List.of(), "Linux", "amd64", "17", "1.23.2", "dev"),
        null,
        null);
  }

  @Test
  void estimatedWinnerComesWithTheBestMeasuredAndATie() throws Exception {
    // Same price: costs follow throughput. 524k/s estimated vs 510k/s (2.7% dearer) and 391k/s.
    Map<String, Double> prices = Map.of("a", 0.1, "b", 0.1, "host", 0.1);
    ChooseReport r =
        report(
            List.of(
                row("fp32", "a", 524_000, false),
                row("fp32", "b", 510_000, false),
                row("fp32", "host", 391_000, true)),
            prices);
    String v = ChooseVerdict.of(r);
    assertTrue(v.startsWith("Cheapest: fp32 on a at batch 8, $0.000053 per 1M"), v);
    assertTrue(v.contains("(estimated; best measured here: fp32 on host"), v);
    assertTrue(v.contains("Tie: fp32 on b"), v);
    assertTrue(v.contains("within 2.7%"), v);
    for (String svg : HtmlReportTest.svgs(HtmlReport.choose(r))) {
      HtmlReportTest.checkLayout(svg);
    }
    assertTrue(ChooseMarkdown.render(r).startsWith("# infercost choose: digits-cnn\n\n**" + v));
  }

  @Test
  void aClearMeasuredWinnerIsNoTie() {
    Map<String, Double> prices = Map.of("a", 0.1, "host", 0.1);
    String v =
        ChooseVerdict.of(
            report(
                List.of(row("fp32", "host", 500_000, true), row("fp32", "a", 300_000, false)),
                prices));
    assertTrue(v.contains("(measured here)"), v);
    assertFalse(v.contains("Tie"), v);
    assertEquals(5.0, ChooseVerdict.TIE_PERCENT);
  }
}
