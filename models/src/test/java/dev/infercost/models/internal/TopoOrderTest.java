package dev.infercost.models.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.infercost.models.Models;
import dev.infercost.models.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopoOrderTest {
  @TempDir Path tmp;

  /**
   * y = a + If(cond: Identity(a)), a = -x, written last first: the If reads {@code a} only inside
   * its branch, so it must still come after the Neg.
   */
  private static ModelProto unsorted() {
    GraphProto then =
        GraphProto.newBuilder()
            .setName("then")
            .addNode(TestModels.node("Identity", "t", List.of("a"), List.of("ta")))
            .addOutput(TestModels.floatInput("ta", 2))
            .build();
    GraphProto otherwise =
        GraphProto.newBuilder()
            .setName("else")
            .addNode(TestModels.node("Identity", "e", List.of("x"), List.of("ex")))
            .addOutput(TestModels.floatInput("ex", 2))
            .build();
    NodeProto iff =
        TestModels.node("If", "iff", List.of("cond"), List.of("s")).toBuilder()
            .addAttribute(TestModels.graphAttr("then_branch", then))
            .addAttribute(TestModels.graphAttr("else_branch", otherwise))
            .build();
    GraphProto.Builder g =
        GraphProto.newBuilder()
            .addInput(TestModels.floatInput("x", 2))
            .addOutput(TestModels.floatInput("y", 2))
            .addInitializer(
                TensorProto.newBuilder()
                    .setName("cond")
                    .setDataType(TensorProto.DataType.BOOL_VALUE)
                    .setRawData(ByteString.copyFrom(new byte[] {1})))
            .addNode(TestModels.node("Add", "last", List.of("a", "s"), List.of("y")))
            .addNode(iff)
            .addNode(TestModels.node("Neg", "first", List.of("x"), List.of("a")));
    return TestModels.model(g);
  }

  private static List<String> names(ModelProto m) {
    return m.getGraph().getNodeList().stream().map(NodeProto::getName).toList();
  }

  @Test
  void anUnsortedGraphLoadsSortedAndRuns() throws Exception {
    Path file = Files.write(tmp.resolve("unsorted.onnx"), unsorted().toByteArray());
    ModelProto loaded = Models.loadOnnx(file).proto();
    assertEquals(List.of("first", "iff", "last"), names(loaded));
    float[] y = TestModels.runOrt(loaded.toByteArray(), "x", new long[] {2}, new float[] {1, -3});
    assertArrayEquals(new float[] {-2, 6}, y);
  }

  @Test
  void aSortedGraphIsKeptAsItIs() {
    ModelProto sorted = TopoOrder.sorted(unsorted());
    assertSame(sorted, TopoOrder.sorted(sorted));
    // Independent nodes keep their file order: b before a although either could come first.
    GraphProto.Builder g =
        GraphProto.newBuilder()
            .addInput(TestModels.floatInput("x", 2))
            .addOutput(TestModels.floatInput("y", 2))
            .addNode(TestModels.node("Add", "sum", List.of("b", "a"), List.of("y")))
            .addNode(TestModels.node("Relu", "b", List.of("x"), List.of("b")))
            .addNode(TestModels.node("Neg", "a", List.of("x"), List.of("a")));
    assertEquals(List.of("b", "a", "sum"), names(TopoOrder.sorted(TestModels.model(g))));
  }
}
