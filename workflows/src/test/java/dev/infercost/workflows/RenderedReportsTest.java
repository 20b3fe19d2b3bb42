package dev.infercost.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench and choose reports laid out by a real browser: headless Chromium measures every label
 * of every chart (SVG {@code getBBox}) and the test asserts that each lies inside its chart and
 * that no two tick labels of one axis overlap. Skipped with a message where Chromium is not
 * installed ({@code benchmarks/screenshots} installs it from Debian packages).
 */
@Tag("slow")
class RenderedReportsTest {
  /** Measures in the page and writes the verdict into the body, which --dump-dom prints. */
  private static final String PROBE =
      """
      <script>
      window.addEventListener('load', () => {
        const bad = [];
        document.querySelectorAll('svg').forEach((svg, i) => {
          const vb = svg.viewBox.baseVal;
          const ticks = [];
          svg.querySelectorAll('text').forEach(t => {
            const b = t.getBBox();
            if (b.x < -0.5 || b.y < -0.5 || b.x + b.width > vb.width + 0.5
                || b.y + b.height > vb.height + 0.5) {
              bad.push('chart ' + i + ': "' + t.textContent + '" outside');
            }
            if (t.classList.contains('tick')) ticks.push([t.textContent, b]);
          });
          for (let a = 0; a < ticks.length; a++) for (let c = a + 1; c < ticks.length; c++) {
            const p = ticks[a][1], q = ticks[c][1];
            if (p.x < q.x + q.width && q.x < p.x + p.width
                && p.y < q.y + q.height && q.y < p.y + p.height) {
              bad.push('chart ' + i + ': ticks "' + ticks[a][0] + '" and "' + ticks[c][0] + '"');
            }
          }
        });
        const out = document.createElement('pre');
        out.id = 'verdict';
        out.textContent = 'CHARTS ' + document.querySelectorAll('svg').length + ' BAD ['
            + bad.join('; ') + ']';
        document.body.appendChild(out);
      });
      </script>
      """;

  @Test
  void chromiumLaysOutEveryLabelInsideAndNoTicksTouch(@TempDir Path tmp) throws Exception {
    check(HtmlReport.bench(HtmlReportTest.run(HtmlReportTest.baseline())), tmp);
  }

  @Test
  void chooseReportWithCostRangesAndTiesLaysOutInside(@TempDir Path tmp) throws Exception {
    String html = HtmlReport.choose(ChooseVerdictTest.tiedReport());
    assertTrue(html.contains("class=\"range\""), "error bars drawn");
    check(html, tmp);
  }

  private static void check(String html, Path tmp) throws Exception {
    String browser = browser();
    Assumptions.assumeTrue(
        browser != null,
        "Chromium not installed: benchmarks/screenshots installs it (apt-get install chromium)");
    Path page = tmp.resolve("report.html");
    Files.writeString(page, html.replace("</body>", PROBE + "</body>"));
    Process p =
        new ProcessBuilder(
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--virtual-time-budget=5000",
                "--dump-dom",
                page.toUri().toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String dom = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not finish");
    Matcher m = Pattern.compile("CHARTS (\\d+) BAD \\[(.*?)\\]").matcher(dom);
    assertTrue(m.find(), "no verdict in the rendered page: " + dom.length() + " chars");
    assertEquals(HtmlReportTest.svgs(html).size(), Integer.parseInt(m.group(1)));
    assertEquals("", m.group(2));
  }

  private static String browser() {
    for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
        if (Files.isExecutable(Path.of(dir, name))) {
          return Path.of(dir, name).toString();
        }
      }
    }
    return null;
  }
}
