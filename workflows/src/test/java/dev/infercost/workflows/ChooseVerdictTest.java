package dev.infercost.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.cost.Figure;
import dev.infercost.cost.Optimizer;
import dev.infercost.cost.Range;
import dev.infercost.cost.Sensitivity;
import dev.infercost.profile.HostInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The choose verdict names an estimated winner's best measured rival and calls a tie with every
 * option whose cost range overlaps the winner's; its HTML keeps every label inside.
 */
class ChooseVerdictTest {
  private static final Optimizer.Request REQUEST = new Optimizer.Request(0.01, 10, null);

  private static Optimizer.Row row(
      String variant, String hw, double perS, double low, double high, boolean measured) {
    return new Optimizer.Row(
        variant,
        0.002,
        hw,
        8,
        0.05,
        perS,
        new Range(low, high),
        measured
            ? Figure.Provenance.measured("this host")
            : Figure.Provenance.estimated("cpu-scaling"));
  }

  static ChooseReport report(List<Optimizer.Row> rows, Map<String, Double> prices) {
    return new ChooseReport(
        1,
        "choose",
        "digits-cnn",
        ChooseReport.BoundInfo.of(Bound.maxAccuracyDrop(REQUEST.maxAccuracyDrop())),
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

  /**
   * Same price: costs follow throughput. 524k/s estimated (420k–630k) overlaps 510k/s (410k–610k)
   * but not the 391k/s measured here (370k–413k): one tie, and the measured row beside the winner.
   */
  static ChooseReport tiedReport() {
    Map<String, Double> prices = Map.of("a", 0.1, "b", 0.1, "host", 0.1);
    return report(
        List.of(
            row("fp32", "a", 524_000, 420_000, 630_000, false),
            row("fp32", "b", 510_000, 410_000, 610_000, false),
            row("fp32", "host", 391_000, 370_000, 413_000, true)),
        prices);
  }

  @Test
  void estimatedWinnerComesWithTheBestMeasuredAndTiesWithOverlappingRanges() throws Exception {
    ChooseReport r = tiedReport();
    String v = ChooseVerdict.of(r);
    assertTrue(
        v.startsWith(
            "Cheapest: fp32 on a at batch 8, $0.000053 per 1M inferences ($0.0000441–0.0000661)"),
        v);
    assertTrue(v.contains("(estimated; best measured here: fp32 on host at batch 8"), v);
    assertTrue(
        v.contains(
            "Tie: the cost range of fp32 on b at batch 8 ($0.0000455–0.0000678) overlaps the"
                + " winner's"),
        v);
    assertFalse(v.contains("host at batch 8 ($0.0000673"), "the measured row is not tied: " + v);
    assertEquals(
        List.of("b"), r.result().tiedWithWinner().stream().map(c -> c.row().hardwareId()).toList());
    for (String svg : HtmlReportTest.svgs(HtmlReport.choose(r))) {
      HtmlReportTest.checkLayout(svg);
    }
    String md = ChooseMarkdown.render(r);
    assertTrue(md.startsWith("# infercost choose: digits-cnn\n\n**" + v), md);
    assertTrue(md.contains("| =2 | fp32 | b |"), md);
    assertTrue(md.contains("| 3 | fp32 | host |"), md);
  }

  @Test
  void rowsAFewPercentApartWithDisjointRangesAreNoTie() {
    // 2% apart, each known within ±0.5%: the old fixed 5% rule called this a tie; the ranges
    // do not overlap, so it is none.
    Map<String, Double> prices = Map.of("a", 0.1, "host", 0.1);
    String v =
        ChooseVerdict.of(
            report(
                List.of(
                    row("fp32", "host", 510_000, 507_450, 512_550, true),
                    row("fp32", "a", 500_000, 497_500, 502_500, false)),
                prices));
    assertTrue(v.contains("(measured here)"), v);
    assertFalse(v.contains("Tie"), v);
  }

  @Test
  void manyTiesAreNamedUpToThreeAndCounted() {
    Map<String, Double> prices = Map.of("a", 0.1, "b", 0.1, "c", 0.1, "d", 0.1, "e", 0.1, "f", 0.1);
    List<Optimizer.Row> rows = new java.util.ArrayList<>();
    for (String hw : List.of("a", "b", "c", "d", "e")) {
      rows.add(row("fp32", hw, 100_000 - rows.size(), 80_000, 120_000, false));
    }
    rows.add(row("fp32", "f", 10_000, 9_000, 11_000, false));
    String v = ChooseVerdict.of(report(rows, prices));
    assertTrue(v.contains("Tie: the cost ranges of fp32 on b at batch 8 ("), v);
    assertTrue(v.contains(", fp32 on d at batch 8 ($"), v);
    assertTrue(v.contains(" and 1 more (marked = in the table) overlap the winner's"), v);
    assertFalse(v.contains("on f at"), v);
  }
}
