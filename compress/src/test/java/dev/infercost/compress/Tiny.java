package dev.infercost.compress;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.infercost.compress.internal.Initializers;
import dev.infercost.models.Models;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Tiny ONNX graphs built in code, and a way to run them, for the pass tests. */
final class Tiny {
  private Tiny() {}

  static float[] random(int n, long seed, float scale) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian() * scale;
    }
    return v;
  }

  /** A float32 initializer of {@code dims}. */
  static TensorProto floats(String name, float[] v, long... dims) {
    return Initializers.ofFloats(name, dims, v);
  }

  /** {@code n} values 0.5 + |N(0, 0.3²)|: BatchNormalization scales and variances. */
  /** A one-element UINT8 initializer: a zero point. */
  static TensorProto uint8(String name, int v) {
    return dev.infercost.compress.internal.Initializers.ofBytes(
        name, TensorProto.DataType.UINT8, new long[0], new byte[] {(byte) v});
  }

  static float[] positive(int n, long seed) {
    float[] v = random(n, seed, 0.3f);
    for (int i = 0; i < n; i++) {
      v[i] = 0.5f + Math.abs(v[i]);
    }
    return v;
  }

  static ValueInfoProto value(String name, TensorProto.DataType type, Object... dims) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (Object d : dims) {
      if (d instanceof String p) {
        s.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(p));
      } else {
        s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) d).longValue()));
      }
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(s)))
        .build();
  }

  static NodeProto node(
      String op, String name, List<String> in, List<String> out, AttributeProto... attrs) {
    NodeProto.Builder b =
        NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(in).addAllOutput(out);
    for (AttributeProto a : attrs) {
      b.addAttribute(a);
    }
    return b.build();
  }

  static AttributeProto intAttr(String name, long v) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(v)
        .build();
  }

  static AttributeProto ints(String name, long... v) {
    AttributeProto.Builder b =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long x : v) {
      b.addInts(x);
    }
    return b.build();
  }

  static AttributeProto tensorAttr(String name, TensorProto t) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.TENSOR)
        .setT(t)
        .build();
  }

  static AttributeProto graphAttr(String name, GraphProto g) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.GRAPH)
        .setG(g)
        .build();
  }

  /** The initializer {@code name} of {@code m}. */
  static TensorProto init(ModelProto m, String name) {
    return m.getGraph().getInitializerList().stream()
        .filter(t -> t.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no initializer " + name));
  }

  static ModelProto model(GraphProto g) {
    return model(g, 13);
  }

  /** {@code g} as a model of the default domain's {@code opset}. */
  static ModelProto model(GraphProto g, int opset) {
    return ModelProto.newBuilder()
        .setIrVersion(8)
        .setProducerName("infercost-tests")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setGraph(g)
        .build();
  }

  /** x [batch, k] → MatMul W [k, n] → Add b → y; W and b random. */
  static ModelProto matmul(int k, int n, long seed) {
    GraphProto g =
        GraphProto.newBuilder()
            .setName("matmul")
            .addInput(value("x", TensorProto.DataType.FLOAT, "batch", k))
            .addOutput(value("y", TensorProto.DataType.FLOAT, "batch", n))
            .addInitializer(
                Initializers.ofFloats("W", new long[] {k, n}, random(k * n, seed, 0.2f)))
            .addInitializer(Initializers.ofFloats("b", new long[] {n}, random(n, seed + 1, 0.1f)))
            .addNode(node("MatMul", "mm", List.of("x", "W"), List.of("h")))
            .addNode(node("Add", "add", List.of("h", "b"), List.of("y")))
            .build();
    return model(g);
  }

  /** Runs {@code model} on one float input and returns its first output. */
  static float[] run(ModelProto model, String input, long[] shape, float[] x) throws OrtException {
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        OrtSession s = Models.ortEnvironment().createSession(model.toByteArray(), o);
        OnnxTensor t =
            OnnxTensor.createTensor(Models.ortEnvironment(), FloatBuffer.wrap(x), shape);
        OrtSession.Result r = s.run(Map.of(input, t))) {
      FloatBuffer b = ((OnnxTensor) r.get(0)).getFloatBuffer();
      float[] out = new float[b.remaining()];
      b.get(out);
      return out;
    }
  }

  static List<String> opTypes(ModelProto m) {
    List<String> ops = new ArrayList<>();
    m.getGraph().getNodeList().forEach(n -> ops.add(n.getOpType()));
    return ops;
  }

  /** Cosine similarity of two vectors. */
  static double cosine(double[] a, double[] b) {
    double ab = 0;
    double aa = 0;
    double bb = 0;
    for (int i = 0; i < a.length; i++) {
      ab += a[i] * b[i];
      aa += a[i] * a[i];
      bb += b[i] * b[i];
    }
    return ab / Math.sqrt(aa * bb);
  }

  static double cosine(float[] a, float[] b) {
    double[] x = new double[a.length];
    double[] y = new double[b.length];
    for (int i = 0; i < a.length; i++) {
      x[i] = a[i];
      y[i] = b[i];
    }
    return cosine(x, y);
  }

  static double maxAbsDiff(float[] a, float[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }

  static double maxAbs(float[] a) {
    double m = 0;
    for (float v : a) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  /**
   * The op types, with counts, of the graph ONNX Runtime runs for {@code m} on CPU after all its
   * optimizations (its optimized-model output, written into {@code dir}).
   */
  static Map<String, Integer> optimizedOps(ModelProto m, java.nio.file.Path dir) throws Exception {
    java.nio.file.Path optimized = java.nio.file.Files.createTempFile(dir, "optimized", ".onnx");
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      o.setOptimizedModelFilePath(optimized.toString());
      Models.ortEnvironment().createSession(m.toByteArray(), o).close();
    }
    return Models.loadOnnx(optimized).info(Map.of()).ops();
  }

  /** The initializer named {@code name}. */
  static TensorProto initializer(ModelProto m, String name) {
    return m.getGraph().getInitializerList().stream()
        .filter(t -> t.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }
}
