package dev.infercost.cli;

import static dev.infercost.cli.CliTest.assertBadInput;
import static dev.infercost.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.base.InfercostException;
import dev.infercost.base.Parameter;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.Models;
import java.nio.file.Path;
import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@link Hints} and the exception handler of {@link Main}: hints become this command's flags. */
class HintsTest {
  @TempDir Path tmp;

  private static CommandSpec commandWith(String... options) {
    CommandSpec spec = CommandSpec.create();
    for (String o : options) {
      spec.addOption(OptionSpec.builder(o).type(String.class).build());
    }
    return spec;
  }

  @Test
  void aHintBecomesTheFlagOfTheCommandThatHasIt() {
    InfercostException e =
        new InfercostException("x.onnx: pass evaluation data", Parameter.EVAL_DATA);
    assertEquals(" (--data)", Hints.suffix(e, commandWith("--data", "--out")));
  }

  @Test
  void aHintIsLeftOutWhenTheCommandHasNoSuchOption() {
    InfercostException e =
        new InfercostException("x.onnx: pass evaluation data", Parameter.EVAL_DATA);
    assertEquals("", Hints.suffix(e, commandWith("--out")));
    assertEquals("", Hints.suffix(new InfercostException("no hint"), commandWith("--data")));
  }

  @Test
  void everyOptionThatSetsTheParameterIsNamed() {
    InfercostException e = new InfercostException("labels missing", Parameter.ACCURACY_BOUND);
    assertEquals(
        " (--max-accuracy-drop or --min-cosine)",
        Hints.suffix(e, commandWith("--min-cosine", "--max-accuracy-drop")));
    assertEquals(" (--min-cosine)", Hints.suffix(e, commandWith("--min-cosine")));
  }

  @Test
  void everyParameterIsTakenBySomeCommand() {
    Collection<CommandLine> commands = Main.newCommandLine().getSubcommands().values();
    for (Parameter p : Parameter.values()) {
      assertTrue(
          commands.stream().anyMatch(c -> Hints.spelled(p, c.getCommandSpec()).isPresent()),
          () -> p + " is spelled " + Hints.names(p) + ", which no command takes");
    }
  }

  @Test
  void theHandlerAppendsTheFlagWhenTheCommandHasIt() {
    CliTest.Run r = run("inspect", "digits-cnn", "--shape", "pixels=1x1x8x8");
    assertBadInput(r, "'pixels'");
    assertTrue(r.err().strip().endsWith("(--shape)"), r.err());
  }

  @Test
  void torchScriptAdviceNamesEngineOnlyWhereTheCommandHasIt() throws Exception {
    String onnx = Models.resolve("digits-cnn", ModelFormat.ONNX).toString();
    CliTest.Run profile = run("profile", onnx, "--engine", "djl", "--shape", "input=1x1x8x8");
    assertBadInput(profile, "ONNX Runtime");
    assertTrue(profile.err().strip().endsWith("(--engine)"), profile.err());

    String pt = Models.resolve("digits-mlp", ModelFormat.TORCHSCRIPT).toString();
    CliTest.Run compress =
        run("compress", pt, "--out", tmp.resolve("out").toString(), "--quiet", "--no-profile");
    assertBadInput(compress, pt);
    assertTrue(compress.err().contains("TorchScript"), compress.err());
    assertFalse(compress.err().contains("--engine"), "compress has no --engine: " + compress.err());
  }
}
