package dev.infercost.cli;

import static dev.infercost.cli.CliTest.assertBadInput;
import static dev.infercost.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.Models;
import dev.infercost.workflows.ModelRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inputs that used to end in an internal error or a silently wrong answer: exit 2, one line. */
class HostileInputsTest {
  private static final String[] FAST = {"--min-samples", "3", "--min-time", "0.01"};

  /** {@code cmd model args}, with profile's short sampling when {@code cmd} is profile. */
  private static CliTest.Run on(String cmd, String... args) {
    String[] a = CliTest.concat(new String[] {cmd}, args);
    return run(cmd.equals("profile") ? CliTest.concat(a, FAST) : a);
  }

  @TempDir Path tmp;

  @Test
  void shapesOutOfRangeOrTooLargeToSynthesize() {
    for (String cmd : new String[] {"inspect", "profile"}) {
      for (String dims : new String[] {"9223372036854775807x64", "1099511627776x64"}) {
        assertBadInput(
            on(cmd, "digits-mlp", "--shape", "input=" + dims), "has a dim outside [1, 2147483647]");
      }
    }
    assertBadInput(
        on("profile", "digits-mlp", "--shape", "input=100000000x64"), "would take 25.6 GB");
    assertBadInput(run("inspect", "digits-mlp", "--shape", "input=-1x64"), "dims must be >= 1");
  }

  @Test
  void shapesThatContradictTheModelOrRepeatAnInput() {
    for (String cmd : new String[] {"inspect", "profile"}) {
      assertBadInput(
          on(cmd, "digits-mlp", "--shape", "input=1x64x3"),
          "has 3 dims, but the input is [batch,64]");
      assertBadInput(
          on(cmd, "digits-mlp", "--shape", "input=1x63"),
          "conflicts with the model's [batch,64] at dim 1");
      assertBadInput(
          on(cmd, "digits-mlp", "--shape", "input=1x64", "--shape", "input=2x64"),
          "shape given twice for input 'input'");
    }
  }

  /** x: float [1,4] → MatMul → y; text: string [1] → Identity → t. */
  private Path stringInputModel() throws Exception {
    GraphProto g =
        GraphProto.newBuilder()
            .setName("g")
            .addInitializer(weight(4, 4, 0.25f))
            .addNode(
                NodeProto.newBuilder()
                    .setOpType("MatMul")
                    .addInput("x")
                    .addInput("W")
                    .addOutput("y"))
            .addNode(NodeProto.newBuilder().setOpType("Identity").addInput("text").addOutput("t"))
            .addInput(value("x", TensorProto.DataType.FLOAT_VALUE, 1, 4))
            .addInput(value("text", TensorProto.DataType.STRING_VALUE, 1))
            .addOutput(value("y", TensorProto.DataType.FLOAT_VALUE, 1, 4))
            .addOutput(value("t", TensorProto.DataType.STRING_VALUE, 1))
            .build();
    return save("strings.onnx", g);
  }

  /**
   * {@code g} at opset 13 (and {@code more} opsets), written as {@code name} in the temp folder.
   */
  private Path save(String name, GraphProto g, OperatorSetIdProto... more) throws Exception {
    ModelProto m =
        ModelProto.newBuilder()
            .setIrVersion(7)
            .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
            .addAllOpsetImport(List.of(more))
            .setGraph(g)
            .build();
    return Files.write(tmp.resolve(name), m.toByteArray());
  }

  /**
   * When every input's shape is known and shape inference still stops (a custom op, a GRU's
   * output), inspect says so instead of asking for the --shape the user already gave.
   */
  @Test
  void inspectSaysWhenShapeInferenceStopsThoughEveryInputIsKnown() throws Exception {
    GraphProto g =
        GraphProto.newBuilder()
            .setName("g")
            .addInitializer(weight(4, 3, 0.5f))
            .addNode(
                NodeProto.newBuilder()
                    .setOpType("Foo")
                    .setDomain("com.example")
                    .addInput("x")
                    .addOutput("y"))
            .addNode(
                NodeProto.newBuilder()
                    .setOpType("MatMul")
                    .setName("mm")
                    .addInput("y")
                    .addInput("W")
                    .addOutput("z"))
            .addInput(value("x", TensorProto.DataType.FLOAT_VALUE, 1, 4))
            .addOutput(value("z", TensorProto.DataType.FLOAT_VALUE, 1, 3))
            .build();
    Path file =
        save(
            "custom.onnx",
            g,
            OperatorSetIdProto.newBuilder().setDomain("com.example").setVersion(1).build());
    CliTest.Run r = run("inspect", file.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out()
            .contains(
                "every input's shape is known, but shape inference does not reach them"
                    + " (first: mm)"),
        r.out());
    assertFalse(r.out().contains("--shape"), r.out());
  }

  /** A float initializer {@code W} of {@code rows × cols}, every value {@code v}. */
  private static TensorProto weight(int rows, int cols, float v) {
    return TensorProto.newBuilder()
        .setName("W")
        .setDataType(TensorProto.DataType.FLOAT_VALUE)
        .addDims(rows)
        .addDims(cols)
        .addAllFloatData(Collections.nCopies(rows * cols, v))
        .build();
  }

  /** A tensor value of element type {@code type} and fixed {@code dims}. */
  static ValueInfoProto value(String name, int type, long... dims) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (long d : dims) {
      s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type).setShape(s)))
        .build();
  }

  @Test
  void stringInputsAreRefusedNamingTheInputBeforeAnyOutputIsWritten() throws Exception {
    Path model = stringInputModel();
    assertBadInput(
        on("profile", model.toString()),
        "input 'text' takes strings, which infercost cannot make up; pass data for it");
    Path out = tmp.resolve("out");
    assertBadInput(
        run("compress", model.toString(), "--method", "int8-dynamic", "--out", out.toString()),
        "input 'text' takes strings");
    assertFalse(Files.exists(out), "no output folder");
  }

  @Test
  void aFifoInPlaceOfAModelOrDataIsRefusedInsteadOfHanging() throws Exception {
    Path fifo = tmp.resolve("model.onnx");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
    org.junit.jupiter.api.Assumptions.assumeTrue(mk.waitFor() == 0, "mkfifo is not available");
    assertBadInput(run("inspect", fifo.toString()), "is not a regular file");
    assertBadInput(on("profile", fifo.toString()), "is not a regular file");
    assertBadInput(
        run("evaluate", "digits-mlp", "digits-mlp", "--data", fifo.toString()),
        "is not a regular file");
  }

  /**
   * The candidate of {@code evaluate} is read as the reference is: a file that is no model, and a
   * model with other inputs, are named in one line before anything runs (ONNX Runtime's "Protobuf
   * parsing failed" and "Unknown input name" named neither).
   */
  @Test
  void evaluateNamesABadCandidate() throws Exception {
    String data = ModelRef.resolve("digits-mlp").defaultEvaluationData().orElseThrow().toString();
    Path empty = Files.write(tmp.resolve("empty.onnx"), new byte[0]);
    assertBadInput(run("evaluate", "digits-mlp", empty.toString(), "--data", data), empty + ": ");
    Path text = Files.writeString(tmp.resolve("text.onnx"), "not a model\n");
    assertBadInput(run("evaluate", "digits-mlp", text.toString(), "--data", data), text + ": ");
    // digits-mlp with its input renamed.
    ModelProto m =
        ModelProto.parseFrom(Files.readAllBytes(Models.resolve("digits-mlp", ModelFormat.ONNX)));
    GraphProto.Builder g = m.getGraph().toBuilder();
    String old = g.getInput(0).getName();
    g.getInputBuilder(0).setName("pixels");
    for (NodeProto.Builder n : g.getNodeBuilderList()) {
      for (int i = 0; i < n.getInputCount(); i++) {
        if (n.getInput(i).equals(old)) {
          n.setInput(i, "pixels");
        }
      }
    }
    Path renamed =
        Files.write(tmp.resolve("renamed.onnx"), m.toBuilder().setGraph(g).build().toByteArray());
    assertBadInput(
        run("evaluate", "digits-mlp", renamed.toString(), "--data", data),
        renamed + ": its inputs (pixels) are not the reference's (" + old + ")");
    // digits-cnn's input has digits-mlp's name, but rank 4.
    Path cnn = Models.resolve("digits-cnn", ModelFormat.ONNX);
    assertBadInput(
        run("evaluate", "digits-mlp", cnn.toString(), "--data", data),
        cnn + ": its input 'input' is float32 of rank 4, the reference's float32 of rank 2");
  }
}
