package dev.infercost.cli;

import static dev.infercost.cli.CliTest.assertBadInput;
import static dev.infercost.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code compress --method auto}, {@code --target} and the unchanged case, through the CLI. */
class CompressAutoTest {
  @TempDir Path tmp;

  @Test
  void autoPrintsTheTrialsAndKeepsAVariantInBound() throws Exception {
    Path out = tmp.resolve("auto");
    CliTest.Run r = auto(out, "3", "--time-budget", "2m", "--no-profile");
    assertEquals(0, r.code(), r.err());
    JsonNode s = r.json().get("search");
    assertEquals(3, s.get("trials").size());
    assertTrue(s.get("met").asBoolean());
    assertTrue(r.json().get("target").asText().startsWith("host"));
    assertTrue(Files.exists(out.resolve("report.md")));
    assertTrue(Files.readString(out.resolve("report.md")).contains("Per-layer sensitivity"));
    String how = s.get("trials").get(0).get("speed").get("provenance").get("detail").asText();
    assertTrue(how.contains("on the data's median-size batch input=["), how);
  }

  /** {@code compress digits-cnn --method auto} within an accuracy drop of 0.005, as JSON. */
  private static CliTest.Run auto(Path out, String trials, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "compress",
                "digits-cnn",
                "--method",
                "auto",
                "--max-accuracy-drop",
                "0.005",
                "--max-trials",
                trials,
                "--out",
                out.toString(),
                "--json",
                "--quiet"));
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }

  @Test
  void givenShapesAreWhatTheTrialsAreTimedAt() throws Exception {
    CliTest.Run r = auto(tmp.resolve("shaped"), "1", "--shape", "input=1x1x8x8");
    assertTrue(r.code() <= 1, r.err());
    String how =
        r.json()
            .get("search")
            .get("trials")
            .get(0)
            .get("speed")
            .get("provenance")
            .get("detail")
            .asText();
    assertTrue(how.contains("on synthetic inputs input=[1, 1, 8, 8]"), how);
    assertTrue(
        r.json().get("latency").get("method").asText().endsWith("on synthetic inputs"),
        r.json().get("latency").toString());
  }

  @Test
  void aCompressionThatRewritesNothingSaysSoAndExitsOne() throws Exception {
    CliTest.Run r =
        run(
            "compress",
            "digits-mlp",
            "--exclude",
            "re:.*",
            "--no-profile",
            "--out",
            tmp.resolve("none").toString(),
            "--quiet");
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("unchanged"), r.err());
    assertTrue(r.out().startsWith("unchanged"), r.out());
  }

  @Test
  void badSearchAndTargetOptionsAreOneLine() {
    String out = tmp.resolve("x").toString();
    assertBadInput(run("compress", "digits-cnn", "--method", "nope", "--out", out), "auto");
    assertBadInput(
        run(
            "compress",
            "digits-cnn",
            "--method",
            "auto",
            "--max-accuracy-drop",
            "0.01",
            "--time-budget",
            "0s",
            "--out",
            out),
        "duration");
    assertBadInput(
        run("compress", "digits-cnn", "--target", "no-such-machine", "--out", out), "(--target)");
    assertBadInput(run("compress", "digits-cnn", "--method", "auto", "--out", out), "bound");
    assertFalse(Files.exists(tmp.resolve("x").resolve("model.int8.onnx")));
  }
}
