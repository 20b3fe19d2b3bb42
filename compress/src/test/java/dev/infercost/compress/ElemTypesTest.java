package dev.infercost.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.compress.internal.ElemTypes;
import dev.infercost.compress.internal.Initializers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Element types through ONNX Runtime's contrib operators, which the standard rules do not know. */
class ElemTypesTest {
  private static final int F32 = TensorProto.DataType.FLOAT_VALUE;
  private static final int I32 = TensorProto.DataType.INT32_VALUE;

  private static NodeProto contrib(String op, List<String> in, List<String> out) {
    return Tiny.node(op, op, in, out).toBuilder().setDomain("com.microsoft").build();
  }

  @Test
  void aFusedEmbeddingComputesInItsTablesTypeAndItsMaskIndexIsInt32() {
    // Token ids in, float embeddings out: typed after the ids, every MatMul after it looked
    // like an integer product and int8-static calibrated none of them.
    GraphProto g =
        GraphProto.newBuilder()
            .addInput(Tiny.value("ids", TensorProto.DataType.INT32, 1, 4))
            .addInitializer(Initializers.ofFloats("word", new long[] {10, 8}, new float[80]))
            .addInitializer(Initializers.ofFloats("pos", new long[] {4, 8}, new float[32]))
            .addInitializer(Initializers.ofFloats("gamma", new long[] {8}, new float[8]))
            .addInitializer(Initializers.ofFloats("beta", new long[] {8}, new float[8]))
            .addNode(
                contrib(
                    "EmbedLayerNormalization",
                    List.of("ids", "", "word", "pos", "", "gamma", "beta"),
                    List.of("e", "mask_index")))
            .addNode(Tiny.node("Relu", "relu", List.of("e"), List.of("r")))
            .build();
    Map<String, Integer> t = ElemTypes.infer(g, false);
    assertEquals(F32, t.get("e"));
    assertEquals(I32, t.get("mask_index"));
    assertEquals(F32, t.get("r"));
  }

  @Test
  void anInt8KernelOfAnotherDomainWritesFloat() {
    GraphProto g =
        GraphProto.newBuilder()
            .addInput(Tiny.value("xq", TensorProto.DataType.UINT8, 1, 4, 8))
            .addInput(Tiny.value("s", TensorProto.DataType.FLOAT))
            .addNode(contrib("QAttention", List.of("xq", "wq", "bias", "s", "ws"), List.of("y")))
            .build();
    assertEquals(F32, ElemTypes.infer(g, false).get("y"));
  }
}
