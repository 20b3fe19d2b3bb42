package dev.infercost.cli;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes an ONNX model whose weights total just over 2 GiB, protobuf's ceiling for one message, so
 * they must live in external data: {@code x[1,16384] → MatMul W1[16384,16384] → MatMul
 * W2[16384,16384] → MatMul W3[16384,16] → y[1,16]}, the three weights (1 GiB + 1 GiB + 1 MiB) in
 * one file {@code weights.data} next to {@code model.onnx}. Values are uniform in ±1/√16384 from a
 * fixed seed, so activations keep their scale through the chain. The data is streamed to disk: the
 * generator holds 64 MiB at a time.
 */
final class OverTwoGibModel {
  static final int K = 16384;
  static final int OUT = 16;
  static final String DATA = "weights.data";

  private OverTwoGibModel() {}

  /** Bytes of the three weights together. */
  static long weightBytes() {
    return 4L * K * K * 2 + 4L * K * OUT;
  }

  /** Writes {@code model.onnx} and {@code weights.data} into {@code dir}; returns the model. */
  static Path write(Path dir) throws IOException {
    Files.createDirectories(dir);
    long[][] dims = {{K, K}, {K, K}, {K, OUT}};
    String[] names = {"W1", "W2", "W3"};
    GraphProto.Builder g = GraphProto.newBuilder().setName("over_two_gib");
    long offset = 0;
    long seed = 0x9E3779B97F4A7C15L;
    float scale = (float) (1 / Math.sqrt(K));
    try (FileChannel ch =
        FileChannel.open(
            dir.resolve(DATA),
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.allocateDirect(64 << 20).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < names.length; i++) {
        long count = dims[i][0] * dims[i][1];
        for (long k = 0; k < count; k++) {
          // xorshift64*: fast, fixed, and good enough for weights.
          seed ^= seed >>> 12;
          seed ^= seed << 25;
          seed ^= seed >>> 27;
          long r = seed * 0x2545F4914F6CDD1DL;
          buf.putFloat(((r >>> 40) / (float) (1 << 24) * 2 - 1) * scale);
          if (!buf.hasRemaining()) {
            drain(buf, ch);
          }
        }
        drain(buf, ch);
        long length = 4 * count;
        g.addInitializer(external(names[i], dims[i], offset, length));
        offset += length;
      }
    }
    g.addInput(HostileInputsTest.value("x", TensorProto.DataType.FLOAT_VALUE, 1, K));
    g.addOutput(HostileInputsTest.value("y", TensorProto.DataType.FLOAT_VALUE, 1, OUT));
    String in = "x";
    for (int i = 0; i < names.length; i++) {
      String out = i == names.length - 1 ? "y" : "h" + (i + 1);
      g.addNode(
          NodeProto.newBuilder()
              .setOpType("MatMul")
              .setName("MatMul_" + (i + 1))
              .addInput(in)
              .addInput(names[i])
              .addOutput(out));
      in = out;
    }
    ModelProto m =
        ModelProto.newBuilder()
            .setIrVersion(8)
            .setProducerName("infercost-tests")
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
            .setGraph(g)
            .build();
    Path model = dir.resolve("model.onnx");
    try (OutputStream out = Files.newOutputStream(model)) {
      m.writeTo(out);
    }
    return model;
  }

  private static void drain(ByteBuffer buf, FileChannel ch) throws IOException {
    buf.flip();
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
    buf.clear();
  }

  private static TensorProto external(String name, long[] dims, long offset, long length) {
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .setDataLocation(TensorProto.DataLocation.EXTERNAL)
            .addExternalData(entry("location", DATA))
            .addExternalData(entry("offset", Long.toString(offset)))
            .addExternalData(entry("length", Long.toString(length)));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  private static StringStringEntryProto entry(String k, String v) {
    return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
  }

  /** Writes the model into the folder given as the first argument (for benchmarks/huge-model). */
  public static void main(String[] args) throws IOException {
    System.out.println(write(Path.of(args[0])));
  }
}
