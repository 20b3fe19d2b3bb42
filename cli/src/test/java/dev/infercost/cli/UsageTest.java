package dev.infercost.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The usage help of every command: rendered without warnings, one full sentence per command. */
class UsageTest {
  @TempDir Path tmp;

  /** The root command and every subcommand. */
  private static List<CommandLine> allCommands() {
    CommandLine root = Main.newCommandLine();
    List<CommandLine> all = new ArrayList<>(List.of(root));
    all.addAll(root.getSubcommands().values());
    return all;
  }

  /** Renders the usage of every command on stdout; run in its own JVM by the test below. */
  public static void main(String[] args) {
    for (CommandLine c : allCommands()) {
      System.out.println(c.getUsageMessage());
    }
  }

  @Test
  void everyUsageRendersWithoutWarnings() throws IOException, InterruptedException {
    // picocli's tracer keeps the System.err of the moment it was loaded, so a warning is seen
    // reliably only from a fresh JVM.
    Path out = tmp.resolve("out.txt");
    Path err = tmp.resolve("err.txt");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                UsageTest.class.getName())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "usage rendering did not finish");
    assertEquals(0, p.exitValue(), () -> read(err));
    assertEquals("", read(err), "stderr while rendering usage");
    String usage = read(out);
    for (CommandLine c : allCommands()) {
      assertTrue(
          usage.contains("Usage: " + c.getCommandSpec().qualifiedName()), c.getCommandName());
    }
    assertFalse(usage.contains("%n"), "unformatted %n in usage:\n" + usage);
  }

  @Test
  void everyCommandHasOneFullSentenceSummary() {
    for (CommandLine c : allCommands()) {
      String[] description = c.getCommandSpec().usageMessage().description();
      assertTrue(description.length > 0, c.getCommandName() + " has no description");
      String summary = description[0];
      assertTrue(
          Character.isUpperCase(summary.charAt(0)) && summary.endsWith("."),
          () -> c.getCommandName() + ": summary is not one full sentence: '" + summary + "'");
    }
  }

  private static String read(Path f) {
    try {
      return Files.readString(f, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
