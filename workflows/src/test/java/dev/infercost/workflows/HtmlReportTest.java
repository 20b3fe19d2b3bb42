package dev.infercost.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infercost.base.Fmt;
import dev.infercost.gate.BenchResults;
import dev.infercost.gate.Gate;
import dev.infercost.profile.LatencyStats;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The bench report's charts on a real results file (benchmarks/ci-baseline.json): every label
 * inside its canvas, no two tick labels of an axis touching (by their computed extents), one
 * cost–fidelity front per model, and the cheapest bar marked. {@code RenderedReportsTest} checks
 * the same in Chromium's own layout where Chromium is installed.
 */
class HtmlReportTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The bench run behind {@code file}: results as the gate reads them, details per entry. */
  static BenchRun run(Path file) throws Exception {
    String text = Files.readString(file);
    BenchResults results = Gate.parse(text, file.toString());
    Map<String, BenchRun.Detail> details = new LinkedHashMap<>();
    for (JsonNode e : MAPPER.readTree(text).get("entries")) {
      details.put(
          e.get("name").asText(),
          new BenchRun.Detail(
              MAPPER.treeToValue(e.get("latency"), LatencyStats.class),
              e.get("throughput").asDouble(),
              MAPPER.convertValue(
                  e.get("inputShapes"), new TypeReference<Map<String, List<Long>>>() {})));
    }
    return new BenchRun(results, details);
  }

  static Path baseline() {
    return Path.of("..", "benchmarks", "ci-baseline.json");
  }

  @Test
  void benchChartsKeepLabelsApartAndInside() throws Exception {
    String html = HtmlReport.bench(run(baseline()));
    List<String> svgs = svgs(html);
    assertTrue(svgs.size() >= 4, "latency, cost, and one front per model; got " + svgs.size());
    for (String svg : svgs) {
      checkLayout(svg);
    }
    assertTrue(html.contains("· cheapest"), "the cheapest bar is marked");
    assertTrue(html.contains("Cheapest: "), "the cost section opens with its verdict");
    assertFalse(html.matches("(?s).*\\d\\.\\d+e-\\d.*"), "no scientific notation");
  }

  @Test
  void oneFrontPerModelNeverAcrossModels() throws Exception {
    BenchRun r = run(baseline());
    String fronts = HtmlReport.paretoChart(r.results().entries());
    List<String> svgs = svgs(fronts);
    long models = r.results().entries().stream().map(BenchResults.Entry::model).distinct().count();
    assertEquals(models, svgs.size(), "one chart per model");
    for (String svg : svgs) {
      assertTrue(count(svg, "class=\"front\"") <= 1, svg);
      // One metric on the y axis: its title names one.
      assertTrue(svg.contains("top-1 accuracy") ^ svg.contains("mean cosine"), svg);
    }
    // digits-cnn has two entries: the line joins points of that model only.
    String cnn = svgs.stream().filter(s -> s.contains("digits-cnn:")).findFirst().orElseThrow();
    assertEquals(2, count(cnn, "<circle"));
  }

  @Test
  void aLongProvenanceShowsItsFirstClauseWithTheRestFolded() {
    assertEquals(
        "measured on AMD EPYC at 1 thread", HtmlReport.how("measured on AMD EPYC at 1 thread"));
    String formula =
        "estimated: cpu-scaling onto aws-c6a.large: 285307/s measured on host = AMD EPYC (family 26"
            + " model 2) at 1 thread x per-core peak 115.2/166.2 GFLOP/s x Amdahl S(1 cores) 1.000";
    String cell = HtmlReport.how(formula);
    assertTrue(
        cell.startsWith("<details><summary>estimated: cpu-scaling onto aws-c6a.large</summary>"),
        cell);
    assertTrue(cell.contains("Amdahl S(1 cores) 1.000</details>"), cell);
  }

  @Test
  void logTicksAreDroppedRatherThanRunTogether() {
    // Three decades on 300 px: 1-2-5 labels of dollars would touch; powers of ten are kept.
    Charts.Scale x = Charts.Scale.log(0.00001, 0.01, 100, 400);
    List<Charts.Tick> ticks = x.ticks(Fmt::usd, false);
    for (int i = 1; i < ticks.size(); i++) {
      Charts.Tick a = ticks.get(i - 1);
      Charts.Tick b = ticks.get(i);
      assertTrue(
          b.at() - a.at() >= (Charts.width(a.label()) + Charts.width(b.label())) / 2 + 8,
          a + " and " + b + " touch");
    }
    assertTrue(ticks.stream().anyMatch(t -> t.label().equals("$0.001")), ticks.toString());
    assertTrue(ticks.size() >= 3, ticks.toString());
  }

  @Test
  void tornadoAndBarsOnSmallInputs() throws Exception {
    checkLayout(
        Charts.tornado(
            List.of(
                new Charts.Swing("price of aws-c7a.large ±20%", 0.036, 0.054, "-20%", "+20%"),
                new Charts.Swing("demand ±50%", 0.045, 0.045, "-50%", "+50%")),
            0.045,
            "cost per 1M inferences, USD",
            Fmt::usd));
    checkLayout(
        Charts.groupedBars(
            List.of(new Charts.Bar("a-very-long-model-name/int8-dynamic", "h", 1e-6, true)),
            "USD per 1M inferences",
            Fmt::usd));
  }

  static List<String> svgs(String html) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("(?s)<svg.*?</svg>").matcher(html);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  private static int count(String s, String what) {
    return s.split(Pattern.quote(what), -1).length - 1;
  }

  /**
   * Every text's extent (from its anchor and {@link Charts#width}) lies in the viewBox; tick labels
   * of one axis (same y, or same x for a vertical axis) do not overlap.
   */
  static void checkLayout(String svg) throws Exception {
    Document d =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    String[] vb = d.getDocumentElement().getAttribute("viewBox").split(" ");
    double w = Double.parseDouble(vb[2]);
    double h = Double.parseDouble(vb[3]);
    NodeList texts = d.getElementsByTagName("text");
    List<double[]> ticks = new ArrayList<>();
    for (int i = 0; i < texts.getLength(); i++) {
      Element t = (Element) texts.item(i);
      double x = Double.parseDouble(t.getAttribute("x"));
      double y = Double.parseDouble(t.getAttribute("y"));
      double tw = Charts.width(t.getTextContent());
      String anchor = t.getAttribute("text-anchor");
      double x0 = anchor.equals("end") ? x - tw : anchor.equals("middle") ? x - tw / 2 : x;
      double[] box = {x0, y - Charts.FONT, x0 + tw, y + 3};
      assertTrue(
          box[0] >= 0 && box[2] <= w && box[1] >= 0 && box[3] <= h,
          "'"
              + t.getTextContent()
              + "' leaves the "
              + w
              + "x"
              + h
              + " canvas at "
              + box[0]
              + ","
              + box[1]
              + "–"
              + box[2]
              + ","
              + box[3]);
      if (t.getAttribute("class").equals("tick")) {
        ticks.add(box);
      }
    }
    for (int i = 0; i < ticks.size(); i++) {
      for (int j = i + 1; j < ticks.size(); j++) {
        double[] a = ticks.get(i);
        double[] b = ticks.get(j);
        boolean overlap = a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
        assertFalse(overlap, "tick labels overlap in " + svg);
      }
    }
  }
}
