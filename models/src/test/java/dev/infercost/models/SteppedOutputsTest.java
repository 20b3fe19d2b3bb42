package dev.infercost.models;

import static dev.infercost.models.TestModels.floatInput;
import static dev.infercost.models.TestModels.floatTensor;
import static dev.infercost.models.TestModels.node;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SteppedOutputsTest {
  private static ValueInfoProto out(String name) {
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()).build();
  }

  @Test
  void outputsBehindAStepOfWeightFedValuesAreNamedWithTheStep() {
    float[] w = new float[16];
    GraphProto.Builder g =
        GraphProto.newBuilder()
            .setName("stepped")
            .addInput(floatInput("x", 1, 4))
            .addInput(floatInput("mask", 1, 4))
            .addInitializer(floatTensor("W", new long[] {4, 4}, w))
            .addInitializer(floatTensor("half", new long[0], new float[] {0.5f}))
            .addNode(node("MatMul", "mm", List.of("x", "W"), List.of("y")))
            .addNode(node("Sigmoid", "sig", List.of("y"), List.of("s")))
            // A suppression written into the graph: keep s where it is over one half.
            .addNode(node("Greater", "gt", List.of("s", "half"), List.of("over")))
            .addNode(node("Cast", "cast", List.of("over"), List.of("overf")))
            .addNode(node("Mul", "keep", List.of("s", "overf"), List.of("kept")))
            .addNode(node("TopK", "top", List.of("s", "k"), List.of("values", "indices")))
            // Inputs compared with a constant are the same in every variant.
            .addNode(node("Equal", "pad", List.of("mask", "half"), List.of("padded")))
            .addNode(node("Where", "wh", List.of("padded", "half", "y"), List.of("masked")))
            // Shape arithmetic is not the values.
            .addNode(node("Shape", "shape", List.of("y"), List.of("dims")))
            .addNode(node("Equal", "dimcheck", List.of("dims", "dims"), List.of("same")))
            // A weight held in a Constant node, as some exporters write every weight.
            .addNode(
                node("Constant", "c", List.of(), List.of("Wc")).toBuilder()
                    .addAttribute(
                        AttributeProto.newBuilder()
                            .setName("value")
                            .setType(AttributeProto.AttributeType.TENSOR)
                            .setT(floatTensor("", new long[] {4, 4}, w)))
                    .build())
            .addNode(node("MatMul", "mm2", List.of("x", "Wc"), List.of("z")))
            .addNode(node("Round", "round", List.of("z"), List.of("rounded")))
            .addNode(node("Round", "roundx", List.of("x"), List.of("xr")));
    for (String o : List.of("y", "kept", "values", "indices", "masked", "same", "rounded", "xr")) {
      g.addOutput(out(o));
    }
    Map<String, String> stepped = OnnxModel.of(TestModels.model(g)).steppedOutputs();
    assertEquals(
        Map.of("kept", "Greater 'gt'", "indices", "TopK 'top'", "rounded", "Round 'round'"),
        stepped);
    assertEquals(List.of("kept", "indices", "rounded"), List.copyOf(stepped.keySet()));
  }

  @Test
  void aModelWithoutStepsHasNone() {
    assertEquals(Map.of(), OnnxModel.of(TestModels.matmulAdd()).steppedOutputs());
  }
}
