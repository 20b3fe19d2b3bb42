package dev.infercost.cli;

import static dev.infercost.cli.CliTest.assertBadInput;
import static dev.infercost.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.infercost.workflows.ModelRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code choose} on a text model given as a file (not a built-in name): its sentences are read with
 * the {@code --tokenizer} the user passes, else the {@code tokenizer.json} beside the model, as
 * {@code compress} and {@code evaluate} do.
 */
class ChooseTextDataTest {
  @TempDir Path tmp;

  @Test
  void aUsersTextModelIsChosenForWithItsTokenizer() throws Exception {
    ModelRef builtin = ModelRef.resolve("minilm-l6");
    Path model = Files.copy(builtin.file(), tmp.resolve("encoder.onnx"));
    Path tokenizer =
        Files.copy(
            builtin.tokenizer().orElseThrow(),
            Files.createDirectories(tmp.resolve("tok")).resolve("tokenizer.json"));
    List<String> sentences = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      sentences.add("sentence number " + i + " about a topic of its own, " + "word ".repeat(i));
    }
    Path data = Files.write(tmp.resolve("sentences.txt"), sentences);
    String[] common = {
      "choose",
      model.toString(),
      "--data",
      data.toString(),
      "--min-cosine",
      "0.99",
      "--methods",
      "fp32",
      "--hardware",
      "aws-c7i.large",
      "--batch",
      "1",
      "--threads",
      "1",
      "--json",
      "--quiet"
    };
    assertBadInput(run(common), "--tokenizer");

    List<String> withTokenizer = new ArrayList<>(List.of(common));
    withTokenizer.addAll(List.of("--tokenizer", tokenizer.toString()));
    CliTest.Run r = run(withTokenizer.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    JsonNode fp32 = r.json().get("variants").get("fp32");
    assertEquals(1.0, fp32.get("fidelity").get("meanCosine").asDouble(), 1e-9);
    assertTrue(fp32.get("fidelity").get("samples").asInt() > 0, fp32.toString());
    // Under a cosine bound the ranked loss is 1 − mean cosine, and says so.
    assertEquals("1 − mean cosine", r.json().get("bound").get("measure").asText());
    assertEquals(0.01, r.json().get("bound").get("maxLoss").asDouble(), 1e-12);

    // A HuggingFace export keeps its tokenizer.json beside the model: that one is taken.
    Files.copy(tokenizer, tmp.resolve("tokenizer.json"));
    List<String> human = new ArrayList<>(List.of(common));
    human.removeAll(List.of("--json"));
    CliTest.Run beside = run(human.toArray(String[]::new));
    assertEquals(0, beside.code(), beside.err());
    assertTrue(
        beside.out().contains("bound: min-cosine 0.99 (1 − mean cosine at most 0.0100)"),
        beside.out());
    assertFalse(beside.out().contains("accuracy drop"), beside.out());
    beside = run(common);
    assertEquals(0, beside.code(), beside.err());
    assertEquals(
        fp32.get("fidelity").get("samples").asInt(),
        beside.json().get("variants").get("fp32").get("fidelity").get("samples").asInt());
  }
}
