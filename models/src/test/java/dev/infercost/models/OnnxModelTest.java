package dev.infercost.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OnnxModelTest {
  private static TensorProto int8(String name) {
    return TensorProto.newBuilder()
        .setName(name)
        .setDataType(TensorProto.DataType.INT8_VALUE)
        .addDims(2)
        .setRawData(ByteString.copyFrom(new byte[] {1, -1}))
        .build();
  }

  /**
   * Integer kernels, stored int8 weights and fake-quantized values count; a DequantizeLinear of a
   * graph input (uint8 pixels into a float model) and float ops do not.
   */
  @Test
  void quantizedOpsCountsWhatAlreadyRunsInInt8() {
    GraphProto.Builder g =
        GraphProto.newBuilder()
            .addInitializer(int8("Wq"))
            .addInitializer(TestModels.floatTensor("W", new long[] {2}, new float[] {1, 2}))
            .addNode(
                TestModels.node("DequantizeLinear", "pixels", List.of("px", "s"), List.of("x")))
            .addNode(TestModels.node("QuantizeLinear", "q", List.of("x", "s"), List.of("xq")))
            .addNode(TestModels.node("DequantizeLinear", "fake", List.of("xq", "s"), List.of("xd")))
            .addNode(
                TestModels.node("DequantizeLinear", "stored", List.of("Wq", "s"), List.of("w")))
            .addNode(TestModels.node("MatMulInteger", "mmi", List.of("xq", "Wq"), List.of("acc")))
            .addNode(TestModels.node("MatMul", "mm", List.of("xd", "W"), List.of("y")))
            .addNode(TestModels.node("Relu", "relu", List.of("y"), List.of("r")));
    assertEquals(
        Map.of("DequantizeLinear", 2, "MatMulInteger", 1),
        OnnxModel.of(TestModels.model(g)).quantizedOps());
    GraphProto.Builder plain =
        GraphProto.newBuilder()
            .addNode(TestModels.node("MatMul", "mm", List.of("x", "W"), List.of("y")));
    assertEquals(Map.of(), OnnxModel.of(TestModels.model(plain)).quantizedOps());
  }
}
