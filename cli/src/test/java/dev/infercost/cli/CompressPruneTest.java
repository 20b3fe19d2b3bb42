package dev.infercost.cli;

import static dev.infercost.cli.CliTest.assertBadInput;
import static dev.infercost.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.infercost.models.Models;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code compress --prune} and {@code --sparsity}, alone and composed with a method. */
class CompressPruneTest {
  @TempDir Path tmp;

  private static List<String> passes(JsonNode report) {
    List<String> out = new ArrayList<>();
    report.get("passes").forEach(p -> out.add(p.get("pass").asText()));
    return out;
  }

  @Test
  void pruneThenStaticInt8InOneCall() throws Exception {
    Path out = tmp.resolve("p");
    CliTest.Run r =
        run(
            "compress",
            "digits-cnn",
            "--prune",
            "0.2",
            "--method",
            "int8-static",
            "--max-accuracy-drop",
            "0.03",
            "--no-profile",
            "--out",
            out.toString(),
            "--json",
            "--quiet");
    assertEquals(0, r.code(), r.err());
    JsonNode j = r.json();
    List<String> p = passes(j);
    assertTrue(
        p.indexOf("prune-channels") >= 0 && p.indexOf("prune-channels") < p.indexOf("int8-static"),
        p.toString());
    assertTrue(j.get("method").asText().startsWith("pruned-0.2+"), j.get("method").asText());
    Path model = Path.of(j.get("output").get("path").asText());
    assertTrue(Files.exists(model));
    // The written model's provenance names every stage and the original input.
    var meta = new java.util.HashMap<String, String>();
    Models.loadOnnx(model)
        .proto()
        .getMetadataPropsList()
        .forEach(e -> meta.put(e.getKey(), e.getValue()));
    assertTrue(meta.get("infercost.passes").contains("prune-channels"), meta.toString());
    assertTrue(
        meta.get("infercost.passes")
            .endsWith(
                "int8-static,fold-dq-scale,fold-dq-shift,fold-dq-clip,fold-dq-move,"
                    + "int8-dynamic-attention,int8-dynamic-lstm,int8-gather-weights"),
        meta.toString());
    assertTrue(meta.containsKey("infercost.option.prune.prune_ratio"), meta.toString());
    // The evaluation compares the final model with the original input.
    assertTrue(j.get("fidelity").get("referenceAccuracy").asDouble() > 0.97);
  }

  @Test
  void sparsityAloneWithMethodNone() throws Exception {
    CliTest.Run r =
        run(
            "compress",
            "digits-mlp",
            "--sparsity",
            "0.5",
            "--sparsity-pattern",
            "2:4",
            "--method",
            "none",
            "--no-profile",
            "--out",
            tmp.resolve("s").toString(),
            "--json",
            "--quiet");
    assertEquals(0, r.code(), r.err());
    assertTrue(passes(r.json()).contains("sparsity"), passes(r.json()).toString());
    assertTrue(Files.exists(tmp.resolve("s/model.sparse.onnx")));
  }

  @Test
  void badPruneAndSparsityOptionsAreOneLine() {
    String out = tmp.resolve("x").toString();
    assertBadInput(run("compress", "digits-cnn", "--prune", "1.5", "--out", out), "prune ratio");
    assertBadInput(run("compress", "digits-cnn", "--prune", "0", "--out", out), "prune ratio");
    assertBadInput(run("compress", "digits-cnn", "--sparsity", "1", "--out", out), "sparsity");
    assertBadInput(
        run("compress", "digits-cnn", "--method", "none", "--out", out), "pruning or sparsity");
    assertBadInput(
        run(
            "compress",
            "digits-cnn",
            "--sparsity",
            "0.5",
            "--sparsity-pattern",
            "3:7",
            "--out",
            out),
        "pattern");
  }
}
