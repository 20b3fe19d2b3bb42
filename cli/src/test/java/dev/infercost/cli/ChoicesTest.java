package dev.infercost.cli;

import static dev.infercost.cli.CliTest.assertBadInput;
import static dev.infercost.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.compress.PassContext;
import dev.infercost.profile.Engine;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.TypeConversionException;

/** {@link Choices}: enum-like options parsed once by picocli. */
class ChoicesTest {
  @TempDir Path tmp;

  @Test
  void wordsAndAliasesConvertIgnoringCase() {
    var engine = new Choices.Engines();
    assertEquals(Engine.ORT, engine.convert("ort"));
    assertEquals(Engine.ORT, engine.convert("OnnxRuntime"));
    assertEquals(Engine.DJL, engine.convert("DJL"));
    assertEquals(Engine.DJL, engine.convert("pytorch"));
    var device = new Choices.Devices();
    assertEquals(Choices.Device.CPU, device.convert("cpu"));
    assertEquals(Choices.Device.CUDA, device.convert("CUDA"));
    assertEquals(Choices.Device.CUDA, device.convert("gpu"));
    var range = new Choices.ReduceRanges();
    assertEquals(Choices.ReduceRange.AUTO, range.convert("auto"));
    assertEquals(Choices.ReduceRange.ON, range.convert("true"));
    assertEquals(Choices.ReduceRange.OFF, range.convert("Off"));
    var smooth = new Choices.Smoothings();
    assertEquals(PassContext.AUTO_ALPHA, smooth.convert("auto"));
    assertEquals(0.0, smooth.convert("off"));
    assertEquals(0.5, smooth.convert("0.5"));
  }

  @Test
  void badWordsListTheDocumentedOnes() {
    TypeConversionException e =
        assertThrows(TypeConversionException.class, () -> new Choices.Engines().convert("tf"));
    assertEquals("'tf' is not one of ort, djl", e.getMessage());
    assertThrows(TypeConversionException.class, () -> new Choices.Smoothings().convert("x"));
  }

  @Test
  void completionCandidatesAreTheDocumentedWords() {
    assertEquals(List.of("ort", "djl"), list(new Choices.Engines()));
    assertEquals(List.of("cpu", "cuda"), list(new Choices.Devices()));
    assertEquals(List.of("auto", "on", "off"), list(new Choices.ReduceRanges()));
    assertEquals(List.of("auto", "off"), list(new Choices.Smoothings()));
  }

  @Test
  void badValuesArePicocliUsageErrors() {
    String out = tmp.resolve("out").toString();
    assertBadInput(
        run("profile", "digits-cnn", "--engine", "tensorflow"),
        "Invalid value for option '--engine': 'tensorflow' is not one of ort, djl");
    assertBadInput(run("profile", "digits-cnn", "--device", "tpu"), "'--device'");
    assertBadInput(
        run("compress", "digits-cnn", "--out", out, "--reduce-range", "maybe"), "'--reduce-range'");
    assertBadInput(run("compress", "digits-cnn", "--out", out, "--smooth", "lots"), "'--smooth'");
    assertBadInput(run("compress", "digits-cnn", "--out", out, "--smooth", "2"), "[0, 1]");
  }

  @Test
  void usageListsTheWords() {
    String usage = run("profile", "--help").out();
    assertTrue(usage.contains("ort, djl (default ort)"), usage);
    assertTrue(usage.contains("cpu, cuda (default cpu)"), usage);
  }

  private static List<String> list(Iterable<String> it) {
    return StreamSupport.stream(it.spliterator(), false).toList();
  }
}
