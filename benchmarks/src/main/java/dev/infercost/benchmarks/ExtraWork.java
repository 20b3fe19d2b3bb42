package dev.infercost.benchmarks;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.infercost.models.Models;
import dev.infercost.models.OnnxModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * A known, small regression for the gate to catch: a copy of a model with a fraction more MACs, as
 * one extra MatMul on its first output (a {@code [..., d]} float tensor) into an extra graph
 * output, so the engine must compute it. The MACs are checked by shape inference on the written
 * model.
 */
final class ExtraWork {
  private ExtraWork() {}

  /**
   * Writes {@code model} with {@code fraction} more MACs (within 1%) under {@code shapes} to {@code
   * out} and returns the MACs of the input and the output.
   */
  static long[] write(Path model, Map<String, long[]> shapes, double fraction, Path out)
      throws Exception {
    OnnxModel in = Models.loadOnnx(model);
    long before = in.info(shapes).macs();
    String y = in.proto().getGraph().getOutput(0).getName();
    long[] shape = in.valueShapes(shapes).apply(y);
    long d = shape[shape.length - 1];
    long rows = 1;
    for (int i = 0; i < shape.length - 1; i++) {
      rows *= shape[i];
    }
    int k = (int) Math.max(1, Math.round(fraction * before / (double) (rows * d)));
    OnnxModel written = withMatMul(in, y, (int) d, k);
    Models.saveOnnx(written, out);
    long after = Models.loadOnnx(out).info(shapes).macs();
    double got = (after - before) / (double) before;
    if (Math.abs(got - fraction) > 0.01 * fraction + 1e-9) {
      throw new IllegalStateException(
          "extra MACs came out "
              + got
              + ", not "
              + fraction
              + " ("
              + before
              + " -> "
              + after
              + ")");
    }
    return new long[] {before, after};
  }

  private static OnnxModel withMatMul(OnnxModel in, String y, int d, int k) {
    Random r = new Random(42);
    ByteBuffer w = ByteBuffer.allocate(4 * d * k).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < d * k; i++) {
      w.putFloat((float) (r.nextGaussian() / Math.sqrt(d)));
    }
    TensorProto weight =
        TensorProto.newBuilder()
            .setName("extra_work.weight")
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .addDims(d)
            .addDims(k)
            .setRawData(com.google.protobuf.ByteString.copyFrom(w.array()))
            .build();
    GraphProto g =
        in.proto().getGraph().toBuilder()
            .addInitializer(weight)
            .addNode(
                NodeProto.newBuilder()
                    .setName("extra_work")
                    .setOpType("MatMul")
                    .addInput(y)
                    .addInput(weight.getName())
                    .addOutput("extra_work"))
            .addOutput(
                ValueInfoProto.newBuilder()
                    .setName("extra_work")
                    .setType(
                        TypeProto.newBuilder()
                            .setTensorType(
                                TypeProto.Tensor.newBuilder()
                                    .setElemType(TensorProto.DataType.FLOAT_VALUE))))
            .build();
    return OnnxModel.of(in.proto().toBuilder().setGraph(g).build());
  }
}
