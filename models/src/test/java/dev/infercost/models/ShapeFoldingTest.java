package dev.infercost.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * MAC counts through shape-producing subgraphs that {@link ModelInfo} folds as constants
 * (ConstantOfShape, Shape → Gather/Slice → Squeeze/Unsqueeze → Cast → Concat, Range, Expand, Pad,
 * Resize, LRN), each against a hand computation; a shape that depends on data stays unknown.
 */
class ShapeFoldingTest {
  private final GraphProto.Builder g = GraphProto.newBuilder().setName("fold");

  private static TensorProto i64(String name, long... v) {
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.INT64_VALUE)
            .addDims(v.length);
    for (long x : v) {
      t.addInt64Data(x);
    }
    return t.build();
  }

  private static TensorProto scalarI64(String name, long v) {
    return TensorProto.newBuilder()
        .setName(name)
        .setDataType(TensorProto.DataType.INT64_VALUE)
        .addInt64Data(v)
        .build();
  }

  private ShapeFoldingTest init(TensorProto t) {
    g.addInitializer(t);
    return this;
  }

  private ShapeFoldingTest node(String op, String out, String... in) {
    return node(op, out, List.of(), in);
  }

  private ShapeFoldingTest node(String op, String out, List<AttributeProto> attrs, String... in) {
    NodeProto n = TestModels.node(op, out, List.of(in), List.of(out));
    g.addNode(n.toBuilder().addAllAttribute(attrs));
    return this;
  }

  /** ModelInfo of the graph with float input {@code x} of the given dims and output {@code y}. */
  private ModelInfo info(Object... dims) {
    g.addInput(TestModels.floatInput("x", dims)).addOutput(TestModels.floatInput("y"));
    return OnnxModel.of(TestModels.model(g)).info(Map.of());
  }

  /** A Conv weight [4,3,3,3] from ConstantOfShape, after LRN (the light AlexNet/GoogLeNet form). */
  @Test
  void convAfterLrnWithConstantOfShapeWeight() {
    ModelInfo i =
        init(i64("wshape", 4, 3, 3, 3))
            .node("ConstantOfShape", "W", "wshape")
            .node("LRN", "n", List.of(TestModels.intAttr("size", 3)), "x")
            .node("Conv", "y", "n", "W")
            .info(1L, 3L, 8L, 8L);
    // y [1,4,6,6], each 3·3·3 MACs.
    assertEquals(4L * 6 * 6 * 27, i.macs());
    assertEquals(List.of(), i.unknownMacNodes());
  }

  /** W = ConstantOfShape(Concat(Unsqueeze(Gather(Shape(x), 1)), [7])): [5,7]. */
  @Test
  void weightShapeFromShapeGatherUnsqueezeConcat() {
    ModelInfo i =
        init(scalarI64("one", 1))
            .init(i64("zero", 0))
            .init(i64("seven", 7))
            .node("Shape", "s", "x")
            .node("Gather", "k", "s", "one")
            .node("Unsqueeze", "k1", "k", "zero")
            .node("Concat", "ws", List.of(TestModels.intAttr("axis", 0)), "k1", "seven")
            .node("ConstantOfShape", "W", "ws")
            .node("MatMul", "y", "x", "W")
            .info(2L, 5L);
    assertEquals(2L * 7 * 5, i.macs());
  }

  /** Range(4, 0, -2) = [4, 2] is the Reshape target of x [2,4]; then [4,2] · [2,3]. */
  @Test
  void rangeWithNegativeDeltaAsReshapeTarget() {
    ModelInfo i =
        init(scalarI64("start", 4))
            .init(scalarI64("limit", 0))
            .init(scalarI64("delta", -2))
            .init(TestModels.floatTensor("W", new long[] {2, 3}, new float[6]))
            .node("Range", "t", "start", "limit", "delta")
            .node("Reshape", "r", "x", "t")
            .node("MatMul", "y", "r", "W")
            .info(2L, 4L);
    assertEquals(4L * 3 * 2, i.macs());
  }

  /**
   * Shape(x) = [3,4,5]; Slice, Squeeze, Unsqueeze, Mul and Cast make [12,5]; Slice with step -1
   * reverses a shape on the way: the target is x reshaped to [12,5], then · [5,2].
   */
  @Test
  void sliceSqueezeCastArithmeticOnAShape() {
    ModelInfo i =
        init(i64("b0", 0))
            .init(i64("b1", 1))
            .init(i64("b2", 2))
            .init(i64("b3", 3))
            .init(i64("last", -1))
            .init(i64("before", -4))
            .init(i64("neg", -1))
            .init(TestModels.floatTensor("W", new long[] {2, 5}, new float[10]))
            .node("Shape", "s", "x")
            .node("Slice", "rev", "s", "last", "before", "b0", "neg") // [5,4,3]
            .node("Slice", "d0", "rev", "b2", "b3") // [3]
            .node("Squeeze", "d0s", "d0", "b0") // 3
            .node("Unsqueeze", "d0u", "d0s", "b0") // [3]
            .node("Slice", "d1", "s", "b1", "b2") // [4]
            .node("Mul", "m", "d0u", "d1") // [12]
            .node("Slice", "d2", "rev", "b0", "b1") // [5]
            .node("Concat", "t", List.of(TestModels.intAttr("axis", 0)), "m", "d2")
            .node("Cast", "t64", List.of(TestModels.intAttr("to", 7)), "t")
            .node("Reshape", "r", "x", "t64")
            .node("Transpose", "wt", "W") // [5,2]
            .node("MatMul", "y", "r", "wt")
            .info(3L, 4L, 5L);
    assertEquals(12L * 2 * 5, i.macs());
  }

  /** Expand(x [1,4], [3,1]) = [3,4], then · [4,2]. */
  @Test
  void expandToAConstantShape() {
    ModelInfo i =
        init(i64("to", 3, 1))
            .init(TestModels.floatTensor("W", new long[] {4, 2}, new float[8]))
            .node("Expand", "e", "x", "to")
            .node("MatMul", "y", "e", "W")
            .info(1L, 4L);
    assertEquals(3L * 2 * 4, i.macs());
  }

  /** Pad by 1 each side, then Conv 3×3: [1,2,4,4] → [1,2,6,6] → [1,3,4,4]. */
  @Test
  void padThenConv() {
    ModelInfo i =
        init(i64("pads", 0, 0, 1, 1, 0, 0, 1, 1))
            .init(TestModels.floatTensor("W", new long[] {3, 2, 3, 3}, new float[54]))
            .node("Pad", "p", "x", "pads")
            .node("Conv", "y", "p", "W")
            .info(1L, 2L, 4L, 4L);
    assertEquals(3L * 4 * 4 * 18, i.macs());
  }

  /** Resize by float scales [1,1,2,2], then Conv 3×3: [1,2,4,4] → [1,2,8,8] → [1,3,6,6]. */
  @Test
  void resizeByScalesThenConv() {
    ModelInfo i =
        init(TestModels.floatTensor("scales", new long[] {4}, new float[] {1, 1, 2, 2}))
            .init(TestModels.floatTensor("W", new long[] {3, 2, 3, 3}, new float[54]))
            .node("Resize", "u", "x", "", "scales")
            .node("Conv", "y", "u", "W")
            .info(1L, 2L, 4L, 4L);
    assertEquals(3L * 6 * 6 * 18, i.macs());
  }

  /** Where(Equal(t, -1), Shape(x), t) with t = [-1, 6]: the PyTorch-export reshape idiom. */
  @Test
  void equalWhereOnAShape() {
    ModelInfo i =
        init(i64("t", -1, 6))
            .init(i64("minus", -1))
            .init(TestModels.floatTensor("W", new long[] {6, 2}, new float[12]))
            .node("Shape", "s", "x") // [2,6]
            .node("Equal", "eq", "t", "minus")
            .node("Where", "shape", "eq", "s", "t") // [2,6]
            .node("Expand", "e", "x", "shape")
            .node("MatMul", "y", "e", "W")
            .info(2L, 6L);
    assertEquals(2L * 2 * 6, i.macs());
  }

  /** A weight whose shape comes from NonZero's output depends on data: MACs stay unknown. */
  @Test
  void shapeThatDependsOnDataStaysUnknown() {
    ModelInfo i =
        init(scalarI64("one", 1))
            .init(i64("zero", 0))
            .init(i64("three", 3))
            .node("NonZero", "nz", "x")
            .node("Shape", "s", "nz")
            .node("Gather", "k", "s", "one")
            .node("Unsqueeze", "k1", "k", "zero")
            .node("Concat", "ws", List.of(TestModels.intAttr("axis", 0)), "three", "k1")
            .node("ConstantOfShape", "W", "ws")
            .node("MatMul", "y", "x", "W")
            .info(2L, 3L);
    assertNull(i.macs());
    assertEquals(List.of("y"), i.unknownMacNodes());
  }
}
