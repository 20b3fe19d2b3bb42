package dev.infercost.gate;

import static dev.infercost.gate.Bench.lognormal;
import static dev.infercost.gate.Bench.size;
import static dev.infercost.gate.Bench.times;
import static dev.infercost.gate.Bench.timing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The three renderings of a report: JSON, JUnit XML and Markdown. */
class GateReportTest {
  /** One regression, one missing, one pass, two new; odd characters in names. */
  private static GateReport mixed() throws GateInputException {
    double[] l = lognormal(1, 60, 20, 0.03);
    Bench base =
        Bench.file()
            .entry("minilm-l6/int8", size(100), timing("latency.p50", l))
            .entry("gone & <away> \"q\" 'a' | pipe", size(5));
    Bench cand =
        Bench.file()
            .entry(
                "minilm-l6/int8",
                size(100),
                timing("latency.p50", times(lognormal(2, 60, 20, 0.03), 1.3)),
                Bench.macs(7))
            .entry("fresh\u0001ctl\nline", size(1));
    return Gate.compare(cand.parse("cand.json"), base.parse("base.json"), Thresholds.DEFAULTS);
  }

  private static Document parse(String xml) throws Exception {
    return DocumentBuilderFactory.newInstance()
        .newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void junitXmlParsesWithTheRightCounts() throws Exception {
    GateReport r = mixed();
    Document doc = parse(r.junitXml());
    Element root = doc.getDocumentElement();
    assertEquals("testsuites", root.getTagName());
    assertEquals("5", root.getAttribute("tests"));
    assertEquals("2", root.getAttribute("failures"));
    assertEquals("2", root.getAttribute("skipped"));
    NodeList cases = doc.getElementsByTagName("testcase");
    assertEquals(5, cases.getLength());
    assertEquals(2, doc.getElementsByTagName("failure").getLength());
    assertEquals(2, doc.getElementsByTagName("skipped").getLength());
    assertEquals(3, doc.getElementsByTagName("testsuite").getLength());
    Element latency = (Element) cases.item(1);
    assertEquals("infercost.gate.minilm-l6/int8", latency.getAttribute("classname"));
    assertEquals("latency.p50", latency.getAttribute("name"));
    Element failure = (Element) latency.getElementsByTagName("failure").item(0);
    assertTrue(failure.getAttribute("message").startsWith("FAIL: regression"), failure::toString);
    Element gone = (Element) cases.item(3);
    assertEquals("infercost.gate.gone & <away> \"q\" 'a' | pipe", gone.getAttribute("classname"));
    assertEquals(
        "missing", ((Element) gone.getElementsByTagName("failure").item(0)).getAttribute("type"));
    Element fresh = (Element) cases.item(4);
    assertEquals("infercost.gate.fresh\uFFFDctl\nline", fresh.getAttribute("classname"));
  }

  @Test
  void junitXmlOfAPassIsAllPlainTestCases() throws Exception {
    Bench b = Bench.file().entry("e", size(1), timing("latency.p50", 1, 1, 1, 1, 1));
    GateReport r = Gate.compare(b.parse("a"), b.parse("b"), Thresholds.DEFAULTS);
    Document doc = parse(r.junitXml());
    assertEquals("2", doc.getDocumentElement().getAttribute("tests"));
    assertEquals("0", doc.getDocumentElement().getAttribute("failures"));
    assertEquals(0, doc.getElementsByTagName("failure").getLength());
  }

  @Test
  void junitXmlCarriesTheNormalization() throws Exception {
    Bench base = Bench.file().entry("e", timing("latency.p50", 1, 1, 1, 1, 1)).reference(1, 1, 1);
    Bench cand =
        Bench.file()
            .host("other", 4, 1)
            .entry("e", timing("latency.p50", 2, 2, 2, 2, 2))
            .reference(2, 2, 2);
    GateReport r = Gate.compare(cand.parse("a"), base.parse("b"), Thresholds.DEFAULTS);
    assertTrue(r.passed(), r::toString);
    String xml = r.junitXml();
    parse(xml);
    assertTrue(xml.contains("normalized by the reference workload: factor 2.000"), xml);
  }

  @Test
  void markdownLeadsWithTheVerdict() throws Exception {
    GateReport r = mixed();
    String md = r.markdown();
    assertTrue(md.startsWith("## infercost gate: ❌ FAIL"), md);
    assertTrue(md.contains("**FAIL: 1 regression, 1 missing in 3 metrics**"), md);
    assertTrue(md.contains("| minilm-l6/int8 | latency.p50 (ms) |"), md);
    assertTrue(md.contains("gone &amp; &lt;away&gt; \"q\" 'a' \\| pipe"), md);
    assertFalse(md.contains("fresh\u0001ctl\nline"), "no raw line break inside a table row");
    for (String line : md.split("\n")) {
      if (line.startsWith("| ")) {
        assertEquals(9, line.replace("\\|", "").chars().filter(c -> c == '|').count(), line);
      }
    }
    assertTrue(md.contains("<details>"), md);

    Bench b = Bench.file().entry("e", size(1));
    String pass = Gate.compare(b.parse("a"), b.parse("b"), Thresholds.DEFAULTS).markdown();
    assertTrue(pass.startsWith("## infercost gate: ✅ PASS"), pass);
    assertTrue(pass.contains("PASS: 1 metric compared, no regression"), pass);
  }

  @Test
  void jsonHasNoNonFiniteNumbersAndLowercaseEnums() throws Exception {
    double[] zeros = new double[6];
    Bench base = Bench.file().entry("e", timing("latency.p50", zeros));
    Bench cand = Bench.file().entry("e", timing("latency.p50", 1, 1, 1, 1, 1, 1));
    GateReport r = Gate.compare(cand.parse("a"), base.parse("b"), Thresholds.DEFAULTS);
    String json = Bench.JSON.writeValueAsString(r);
    assertFalse(json.contains("Infinity") || json.contains("NaN"), json);
    JsonNode n = Bench.JSON.readTree(json);
    assertEquals("gate", n.get("kind").asText());
    assertFalse(n.get("passed").asBoolean());
    JsonNode c = n.get("comparisons").get(0);
    assertEquals("timing", c.get("kind").asText());
    assertEquals("lower", c.get("better").asText());
    assertEquals("bootstrap", c.get("method").asText());
    assertEquals("fail", c.get("verdict").asText());
    assertTrue(c.get("ratio").isNull());
  }
}
