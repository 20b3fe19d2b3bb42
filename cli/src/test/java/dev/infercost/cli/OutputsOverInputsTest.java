package dev.infercost.cli;

import static dev.infercost.cli.CliTest.assertBadInput;
import static dev.infercost.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.infercost.models.ModelFormat;
import dev.infercost.models.Models;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every command refuses, before any work, an output that would replace one of its inputs. */
class OutputsOverInputsTest {
  @TempDir Path tmp;

  private Path copyOfDigits(String name) throws Exception {
    return Files.copy(Models.resolve("digits-mlp", ModelFormat.ONNX), tmp.resolve(name));
  }

  @Test
  void profileOutOverTheModel() throws Exception {
    Path m = copyOfDigits("m.onnx");
    byte[] before = Files.readAllBytes(m);
    assertBadInput(run("profile", m.toString(), "--out", m.toString()), "would overwrite MODEL");
    assertArrayEquals(before, Files.readAllBytes(m));
  }

  @Test
  void compressOverItsOwnReport() throws Exception {
    Path report = copyOfDigits("report.json");
    byte[] before = Files.readAllBytes(report);
    assertBadInput(
        run("compress", report.toString(), "--out", tmp.toString(), "--no-profile"),
        "lies where this run writes");
    assertArrayEquals(before, Files.readAllBytes(report));
  }

  @Test
  void gateAndBenchOutputsOverTheirInputs() throws Exception {
    Path results = Files.writeString(tmp.resolve("r.json"), "{}");
    Path baseline = Files.writeString(tmp.resolve("b.json"), "{}");
    assertBadInput(
        run(
            "gate",
            results.toString(),
            "--baseline",
            baseline.toString(),
            "--junit",
            results.toString()),
        "would overwrite RESULTS");
    assertBadInput(
        run(
            "gate",
            results.toString(),
            "--baseline",
            baseline.toString(),
            "--markdown",
            baseline.toString()),
        "would overwrite --baseline");
    Path suite = Files.writeString(tmp.resolve("s.yaml"), "schema: 1\n");
    assertBadInput(
        run("bench", "--suite", suite.toString(), "--out", suite.toString()),
        "would overwrite --suite");
    assertBadInput(
        run(
            "bench",
            "--suite",
            suite.toString(),
            "--out",
            tmp.resolve("o.json").toString(),
            "--html",
            tmp.resolve("o.json").toString()),
        "same file");
  }
}
