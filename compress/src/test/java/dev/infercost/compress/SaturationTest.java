package dev.infercost.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.compress.internal.Graphs;
import dev.infercost.compress.internal.Saturation;
import java.util.List;
import org.junit.jupiter.api.Test;

class SaturationTest {
  private static final double INF = Double.POSITIVE_INFINITY;

  /** The interval of {@code x} in a graph of {@code nodes} whose output is {@code y}. */
  private static double[] interval(NodeProto... nodes) {
    GraphProto.Builder g =
        GraphProto.newBuilder()
            .setName("g")
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, "n", 8))
            .addInput(Tiny.value("other", TensorProto.DataType.FLOAT, "n", 8))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, "n", 8))
            .addInitializer(scalar("three", 3))
            .addInitializer(scalar("six", 6))
            .addInitializer(scalar("zero", 0))
            .addInitializer(scalar("minus2", -2))
            .addInitializer(Tiny.floats("W", Tiny.random(64, 1, 1f), 8, 8));
    for (NodeProto n : nodes) {
      g.addNode(n);
    }
    GraphProto built = g.build();
    return new Saturation(built, Graphs.initializers(built), 13).interval("x");
  }

  private static void assertInterval(double[] expected, double[] actual) {
    assertInterval(expected, actual, "");
  }

  private static void assertInterval(double[] expected, double[] actual, String why) {
    assertArrayEquals(expected, actual, 1e-12, why);
  }

  private static TensorProto scalar(String name, float v) {
    return Tiny.floats(name, new float[] {v});
  }

  private static NodeProto node(String op, List<String> in, String out, AttributeProto... a) {
    return Tiny.node(op, out, in, List.of(out), a);
  }

  /** {@code x · Clip(x + 3, 0, 6) / 6}, as paddle2onnx writes hard-swish, then {@code tail}. */
  private static NodeProto[] hardSwish(NodeProto... tail) {
    List<NodeProto> n =
        new java.util.ArrayList<>(
            List.of(
                node("Add", List.of("x", "three"), "a"),
                node("Clip", List.of("a", "zero", "six"), "c"),
                node("Mul", List.of("x", "c"), "m"),
                node("Div", List.of("m", "six"), "hs")));
    n.addAll(List.of(tail));
    return n.toArray(NodeProto[]::new);
  }

  @Test
  void aWrittenOutHardSwishReadsNothingBelowMinusThree() {
    assertInterval(
        new double[] {-3, INF}, interval(hardSwish(node("MatMul", List.of("hs", "W"), "y"))));
    // The same when the product is scaled and shifted before the next layer, or is the output.
    assertInterval(
        new double[] {-3, INF},
        interval(
            hardSwish(
                node("Mul", List.of("hs", "six"), "s"), node("Add", List.of("s", "other"), "y"))));
    assertInterval(
        new double[] {-3, INF}, interval(hardSwish(node("Identity", List.of("hs"), "y"))));
  }

  @Test
  void activationOpsBoundWhatTheirInputMatters() {
    assertInterval(
        new double[] {-3, INF},
        interval(node("HardSwish", List.of("x"), "y")),
        "HardSwish is 0 below -3");
    AttributeProto alpha =
        AttributeProto.newBuilder()
            .setName("alpha")
            .setType(AttributeProto.AttributeType.FLOAT)
            .setF(0.25f)
            .build();
    assertInterval(
        new double[] {-2, 2},
        interval(node("HardSigmoid", List.of("x"), "y", alpha)),
        "0.25x + 0.5 leaves [0, 1] at ±2");
    assertInterval(new double[] {0, INF}, interval(node("Relu", List.of("x"), "y")));
    assertInterval(
        new double[] {0, 6},
        interval(node("Max", List.of("zero", "x"), "r"), node("Min", List.of("r", "six"), "y")),
        "Relu6 as Max and Min");
    assertInterval(new double[] {0, 6}, interval(node("Clip", List.of("x", "zero", "six"), "y")));
    // Negative slopes swap the ends: -2x ≥ 0 only for x ≤ 0, and 3 − x is in [0, 6] on [−3, 3].
    assertInterval(
        new double[] {-INF, 0},
        interval(node("Mul", List.of("x", "minus2"), "n"), node("Relu", List.of("n"), "y")));
    assertInterval(
        new double[] {-3, 3},
        interval(
            node("Sub", List.of("three", "x"), "s"),
            node("Clip", List.of("s", "zero", "six"), "y")));
  }

  @Test
  void aReaderThatSeesEverythingKeepsTheWholeRange() {
    double[] all = {-INF, INF};
    // The tensor also goes to a MatMul, or to an output, as it is.
    assertInterval(
        all,
        interval(
            node("Relu", List.of("x"), "y"), node("MatMul", List.of("x", "W"), "unused_matmul")));
    assertInterval(all, interval(node("Identity", List.of("x"), "y")));
    // Swish: Sigmoid is never constant.
    assertInterval(
        all, interval(node("Sigmoid", List.of("x"), "s"), node("Mul", List.of("x", "s"), "y")));
    // x + another tensor is not affine in x: a Relu after it clamps at no fixed x.
    assertInterval(
        all, interval(node("Add", List.of("x", "other"), "a"), node("Relu", List.of("a"), "y")));
  }
}
