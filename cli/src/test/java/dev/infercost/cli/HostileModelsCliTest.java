package dev.infercost.cli;

import static dev.infercost.cli.CliTest.assertBadInput;
import static dev.infercost.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.Models;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile models through the command line: refused with exit 2 and one line naming the file (the
 * cases themselves are in models' {@code ModelsHostileTest}).
 */
class HostileModelsCliTest {
  @TempDir Path tmp;

  /** digits-cnn with its first initializer declaring a petabyte shape over its few bytes. */
  private Path petabyteWeight() throws Exception {
    ModelProto m =
        ModelProto.parseFrom(Files.readAllBytes(Models.resolve("digits-cnn", ModelFormat.ONNX)));
    TensorProto w = m.getGraph().getInitializer(0);
    TensorProto huge =
        w.toBuilder().clearDims().addDims(1L << 25).addDims(1L << 25).addDims(1L << 2).build();
    ModelProto bad =
        m.toBuilder().setGraph(m.getGraph().toBuilder().setInitializer(0, huge)).build();
    return Files.write(tmp.resolve("huge.onnx"), bad.toByteArray());
  }

  @Test
  void aShapeTheDataContradictsIsBadInputForInspectAndProfile() throws Exception {
    Path f = petabyteWeight();
    CliTest.Run r = run("inspect", f.toString());
    assertBadInput(r, f.toString());
    assertTrue(r.err().contains("needs"), r.err());
    assertBadInput(run("profile", f.toString()), f.toString());
  }

  @Test
  void aModelOverTheMemoryBudgetIsBadInput() throws Exception {
    Path f = Models.resolve("digits-cnn", ModelFormat.ONNX);
    String before = System.getProperty("infercost.max-memory");
    try {
      System.setProperty("infercost.max-memory", "1k");
      CliTest.Run r = run("inspect", f.toString());
      assertBadInput(r, f.toString());
      assertTrue(r.err().contains("over the memory budget of 1.0 KiB"), r.err());
    } finally {
      if (before == null) {
        System.clearProperty("infercost.max-memory");
      } else {
        System.setProperty("infercost.max-memory", before);
      }
    }
  }
}
