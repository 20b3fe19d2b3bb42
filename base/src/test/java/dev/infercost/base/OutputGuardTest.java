package dev.infercost.base;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputGuardTest {
  @TempDir Path tmp;

  @Test
  void anOutputThatIsAnInputIsRefusedThroughLinksAndDots() throws Exception {
    Path model = Files.writeString(tmp.resolve("m.onnx"), "x");
    Path link = Files.createSymbolicLink(tmp.resolve("link.onnx"), model);
    InfercostException e =
        assertThrows(
            InfercostException.class,
            () ->
                OutputGuard.of()
                    .input("MODEL", model)
                    .output("--out", tmp.resolve("sub/../link.onnx"))
                    .check());
    assertTrue(e.getMessage().contains("would overwrite MODEL"), e.getMessage());
    assertEquals(Parameter.OUTPUT_FILE, e.hint().orElseThrow());
    assertTrue(Files.isSymbolicLink(link));
  }

  @Test
  void twoOutputsOnOneFileAreRefused() {
    InfercostException e =
        assertThrows(
            InfercostException.class,
            () ->
                OutputGuard.of()
                    .output("--out", tmp.resolve("r.json"))
                    .output("--html", tmp.resolve("r.json"))
                    .check());
    assertTrue(e.getMessage().contains("same file"), e.getMessage());
  }

  @Test
  void anInputWhereAFolderRunWritesIsRefusedOthersAreFine() throws Exception {
    Path report = Files.writeString(tmp.resolve("report.json"), "{}");
    Path model = Files.writeString(tmp.resolve("m.onnx"), "x");
    assertThrows(
        InfercostException.class,
        () ->
            OutputGuard.of()
                .input("MODEL", report)
                .folder("--out", tmp, List.of("report.json", "trials"))
                .check());
    assertDoesNotThrow(
        () ->
            OutputGuard.of()
                .input("MODEL", model)
                .folder("--out", tmp, List.of("report.json", "trials"))
                .check());
    Path inTrials = tmp.resolve("trials/01/model.onnx");
    Files.createDirectories(inTrials.getParent());
    Files.writeString(inTrials, "x");
    assertThrows(
        InfercostException.class,
        () ->
            OutputGuard.of()
                .input("--data", inTrials)
                .folder("--out", tmp, List.of("trials"))
                .check());
  }
}
