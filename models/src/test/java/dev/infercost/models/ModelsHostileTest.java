package dev.infercost.models;

import static dev.infercost.models.ModelsLoadSaveTest.assertOneLineNaming;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models built to hurt the reader: shapes that would need terabytes, data that contradicts its
 * shape, deep subgraphs, cycles, values produced twice, external data that is a FIFO or over the
 * memory budget. Each is refused with one line naming the file, before any large allocation and
 * without blocking.
 */
class ModelsHostileTest {
  private static final Duration NO_HANG = Duration.ofSeconds(20);

  @TempDir Path tmp;

  private Path write(ModelProto m) throws Exception {
    return Files.write(tmp.resolve("model.onnx"), m.toByteArray());
  }

  private static TensorProto.Builder raw(String name, int bytes, long... dims) {
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .setRawData(ByteString.copyFrom(new byte[bytes]));
    for (long d : dims) {
      t.addDims(d);
    }
    return t;
  }

  private ModelException refused(Path file, String... mentions) {
    ModelException e =
        assertTimeoutPreemptively(
            NO_HANG, () -> assertThrows(ModelException.class, () -> Models.loadOnnx(file)));
    assertOneLineNaming(file, e);
    for (String m : mentions) {
      assertTrue(e.getMessage().contains(m), () -> "'" + m + "' not in: " + e.getMessage());
    }
    return e;
  }

  private ModelException refusedWeight(TensorProto w, String... mentions) throws Exception {
    return refused(write(TestModels.matmulAdd(w, false)), mentions);
  }

  @Test
  void terabyteShapeWithFewBytesIsRefusedBeforeAllocating() throws Exception {
    // 2^20 x 2^20 x 2^10 floats = 4 PiB declared, 48 bytes held.
    refusedWeight(raw("W", 48, 1L << 20, 1L << 20, 1L << 10).build(), "'W'", "holds 48 bytes");
  }

  @Test
  void shapeBeyondLongIsRefused() throws Exception {
    refusedWeight(raw("W", 48, 1L << 40, 1L << 40).build(), "too large for any machine");
  }

  @Test
  void negativeOrUnknownTypeIsRefused() throws Exception {
    refusedWeight(raw("W", 48, 4, -3).build(), "negative dim -3");
    refusedWeight(raw("W", 48, 4, 3).setDataType(999).build(), "element type 999");
  }

  @Test
  void dataShorterOrLongerThanItsShapeIsRefused() throws Exception {
    refusedWeight(raw("W", 44, 4, 3).build(), "needs 48 bytes", "holds 44 bytes");
    refusedWeight(raw("W", 52, 4, 3).build(), "holds 52 bytes");
    TensorProto typed =
        TensorProto.newBuilder()
            .setName("W")
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .addDims(4)
            .addDims(3)
            .addAllFloatData(List.of(1f, 2f, 3f))
            .build();
    refusedWeight(typed, "needs 12", "holds 3 float_data");
    refusedWeight(raw("W", 0, 4, 3).build(), "holds 0 float_data");
  }

  @Test
  void constantNodeWithShortDataIsRefused() throws Exception {
    NodeProto c =
        NodeProto.newBuilder()
            .setOpType("Constant")
            .addOutput("k")
            .addAttribute(
                AttributeProto.newBuilder()
                    .setName("value")
                    .setType(AttributeProto.AttributeType.TENSOR)
                    .setT(raw("k", 8, 1000, 1000)))
            .build();
    GraphProto.Builder g =
        GraphProto.newBuilder()
            .addInput(TestModels.floatInput("x", 1000))
            .addOutput(TestModels.floatInput("y", 1000))
            .addNode(c)
            .addNode(TestModels.node("MatMul", "mm", List.of("x", "k"), List.of("y")));
    refused(write(TestModels.model(g)), "'k'", "holds 8 bytes");
  }

  /** x → If(then: If(then: ... Identity(x))) nested {@code depth} deep. */
  private static ModelProto nested(int depth) {
    GraphProto body = leaf(depth);
    for (int d = depth - 1; d >= 0; d--) {
      NodeProto iff =
          NodeProto.newBuilder()
              .setOpType("If")
              .setName("if" + d)
              .addInput("cond")
              .addOutput("out" + d)
              .addAttribute(TestModels.graphAttr("then_branch", body))
              .addAttribute(TestModels.graphAttr("else_branch", leaf(d + 1)))
              .build();
      GraphProto.Builder g =
          GraphProto.newBuilder()
              .setName("level" + d)
              .addNode(iff)
              .addOutput(TestModels.floatInput("out" + d, 2));
      if (d == 0) {
        g.addInput(TestModels.floatInput("x", 2))
            .addInput(
                TestModels.floatInput("cond").toBuilder()
                    .setType(
                        ai.onnx.proto.OnnxMl.TypeProto.newBuilder()
                            .setTensorType(
                                ai.onnx.proto.OnnxMl.TypeProto.Tensor.newBuilder()
                                    .setElemType(TensorProto.DataType.BOOL_VALUE))));
        return TestModels.model(g);
      }
      body = g.build();
    }
    throw new AssertionError();
  }

  private static GraphProto leaf(int level) {
    return GraphProto.newBuilder()
        .setName("leaf")
        .addNode(TestModels.node("Identity", "id", List.of("x"), List.of("out" + level)))
        .addOutput(TestModels.floatInput("out" + level, 2))
        .build();
  }

  @Test
  void deeplyNestedSubgraphsAreRefusedShallowOnesLoad() throws Exception {
    refused(write(nested(200)), "nested more than 32 deep");
    Path ok = write(nested(5));
    assertDoesNotThrow(() -> Models.loadOnnx(ok).info(Map.of()));
  }

  @Test
  void subgraphReadingAnUnknownValueIsRefused() throws Exception {
    ModelProto m = nested(2);
    GraphProto.Builder g = m.getGraph().toBuilder();
    NodeProto.Builder iff = g.getNode(0).toBuilder();
    GraphProto then = iff.getAttribute(0).getG();
    GraphProto leaf = then.getNode(0).getAttribute(0).getG();
    GraphProto badLeaf =
        leaf.toBuilder().setNode(0, leaf.getNode(0).toBuilder().setInput(0, "ghost")).build();
    NodeProto inner =
        then.getNode(0).toBuilder()
            .setAttribute(0, then.getNode(0).getAttribute(0).toBuilder().setG(badLeaf))
            .build();
    iff.setAttribute(0, iff.getAttribute(0).toBuilder().setG(then.toBuilder().setNode(0, inner)));
    g.setNode(0, iff);
    refused(write(m.toBuilder().setGraph(g).build()), "'ghost'", "in subgraph 'leaf'");
  }

  @Test
  void cyclicGraphIsRefused() throws Exception {
    GraphProto.Builder g =
        GraphProto.newBuilder()
            .addInput(TestModels.floatInput("x", 2))
            .addOutput(TestModels.floatInput("b", 2))
            .addNode(TestModels.node("Add", "first", List.of("x", "b"), List.of("a")))
            .addNode(TestModels.node("Relu", "second", List.of("a"), List.of("b")));
    refused(write(TestModels.model(g)), "node 'first'", "reads 'b'", "cyclic");
  }

  @Test
  void valueProducedTwiceIsRefused() throws Exception {
    GraphProto.Builder g =
        GraphProto.newBuilder()
            .addInput(TestModels.floatInput("x", 2))
            .addOutput(TestModels.floatInput("y", 2))
            .addNode(TestModels.node("Relu", "r1", List.of("x"), List.of("y")))
            .addNode(TestModels.node("Neg", "r2", List.of("x"), List.of("y")));
    refused(write(TestModels.model(g)), "value 'y' is produced twice", "'r1'", "'r2'");
    GraphProto.Builder shadow =
        GraphProto.newBuilder()
            .addInput(TestModels.floatInput("x", 2))
            .addOutput(TestModels.floatInput("x", 2))
            .addNode(TestModels.node("Relu", "r", List.of("x"), List.of("x")));
    refused(write(TestModels.model(shadow)), "value 'x' is produced twice", "a graph input");
    // ONNX Runtime's float16 converter can write one Cast three times, after its reader.
    GraphProto.Builder late =
        GraphProto.newBuilder()
            .addInput(TestModels.floatInput("x", 2))
            .addOutput(TestModels.floatInput("y", 2))
            .addNode(TestModels.node("Relu", "r", List.of("c"), List.of("y")))
            .addNode(TestModels.node("Neg", "c1", List.of("x"), List.of("c")))
            .addNode(TestModels.node("Neg", "c2", List.of("x"), List.of("c")));
    refused(write(TestModels.model(late)), "value 'c' is produced twice", "'c1'", "'c2'");
    ModelProto twoInits =
        TestModels.matmulAdd().toBuilder()
            .setGraph(
                TestModels.matmulAdd().getGraph().toBuilder()
                    .addInitializer(TestModels.floatTensor("B", new long[] {3}, new float[3])))
            .build();
    refused(write(twoInits), "initializer 'B'", "defined twice");
  }

  @Test
  void graphOutputThatNothingProducesIsRefused() throws Exception {
    ModelProto m =
        TestModels.matmulAdd().toBuilder()
            .setGraph(
                TestModels.matmulAdd().getGraph().toBuilder()
                    .addOutput(TestModels.floatInput("nowhere", 3)))
            .build();
    refused(write(m), "graph output 'nowhere'", "produced by no node");
  }

  @Test
  void hugeDeclaredInputShapesGiveUnknownMacsNotACrash() throws Exception {
    GraphProto.Builder g =
        TestModels.matmulAdd().getGraph().toBuilder()
            .setInput(0, TestModels.floatInput("x", 1L << 62, 4));
    ModelInfo info = Models.loadOnnx(write(TestModels.model(g))).info(Map.of());
    assertNull(info.macs());
    info =
        Models.loadOnnx(write(TestModels.matmulAdd())).info(Map.of("x", new long[] {1L << 62, 4}));
    assertNull(info.macs());
  }

  // ---------------------------------------------------------------- external data

  private Path external(String location, long length) throws Exception {
    return TestModels.writeModel(
        tmp.resolve("model.onnx"),
        TestModels.externalTensor("W", new long[] {4, 3}, location, 0, length));
  }

  @Test
  void externalDataThatContradictsTheShapeIsRefused() throws Exception {
    Files.write(tmp.resolve("w.bin"), new byte[64]);
    refused(external("w.bin", 40), "needs 48 bytes", "has 40");
    refused(external("w.bin", -1), "needs 48 bytes", "has 64");
    refused(external("w.bin", 100), "truncated");
  }

  private static boolean mkfifo(Path p) {
    try {
      Process proc = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
      return proc.waitFor() == 0 && Files.exists(p);
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void externalDataOrModelThatIsAFifoIsRefusedWithoutBlocking() throws Exception {
    Path fifo = tmp.resolve("w.bin");
    assumeTrue(mkfifo(fifo), "mkfifo is not available here");
    refused(external("w.bin", 48), "external data 'w.bin' is not a regular file");
    Files.createSymbolicLink(tmp.resolve("link.bin"), fifo);
    refused(external("link.bin", 48), "external data 'link.bin' is not a regular file");
    Path modelFifo = tmp.resolve("fifo.onnx");
    assumeTrue(mkfifo(modelFifo));
    refused(modelFifo, "is not a regular file");
    assertTimeoutPreemptively(
        NO_HANG, () -> assertThrows(ModelException.class, () -> Models.inputSpecs(modelFifo)));
  }

  @Test
  void externalDataThatIsADeviceIsRefused() throws Exception {
    Path dev = Path.of("/dev/zero");
    assumeTrue(Files.exists(dev));
    Path link = Files.createSymbolicLink(tmp.resolve("zero.bin"), dev);
    // A link to a device leaves the model's folder, so it is refused before the device is opened.
    refused(external(link.getFileName().toString(), 48), "'zero.bin'");
  }

  @Test
  void loadsOverTheMemoryBudgetAreRefused() throws Exception {
    Path model = TestModels.writeExternalModel(tmp, "weights.bin");
    String before = System.getProperty("infercost.max-memory");
    try {
      System.setProperty("infercost.max-memory", "100");
      refused(
          model,
          "loading the model file needs",
          "over the memory budget of 100 bytes",
          "-Dinfercost.max-memory");
      long modelBytes = Files.size(model);
      System.setProperty("infercost.max-memory", Long.toString(modelBytes + 47));
      refused(model, "with its external data needs");
      System.setProperty("infercost.max-memory", Long.toString(modelBytes + 48));
      assertDoesNotThrow(() -> Models.loadOnnx(model));
      System.setProperty("infercost.max-memory", "lots");
      refused(model, "'lots' is not a size");
    } finally {
      if (before == null) {
        System.clearProperty("infercost.max-memory");
      } else {
        System.setProperty("infercost.max-memory", before);
      }
    }
  }
}
