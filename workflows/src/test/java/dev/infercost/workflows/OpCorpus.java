package dev.infercost.workflows;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Generated one- or two-node graphs for the ONNX operators that ONNX Runtime's CPU provider
 * implements (default domain), with valid attributes and small shapes, and the float data to feed
 * them. Graph inputs are float32; an operator that takes another type gets it from a first node
 * (Cast, QuantizeLinear, a comparison) or from an initializer.
 */
final class OpCorpus {
  /** The opset most entries are built at. */
  static final int OPSET = 17;

  /** One corpus entry: a name (the operator, or operator@opset) and how to build its graph. */
  record Entry(String name, int opset, Consumer<G> body) {
    /** The model and its evaluation data (4 batches along dim 0 of every input). */
    Built build(long seed) {
      G g = new G(new Random(seed));
      body.accept(g);
      return g.finish(name, opset);
    }
  }

  /** A built entry: the model, and per graph input its float data (4 batches along dim 0). */
  record Built(ModelProto model, Map<String, long[]> inputShapes, Map<String, float[]> data) {
    /** Writes the data as a NumPy {@code .npz}: float32 arrays named after the inputs. */
    void writeNpz(Path file) throws IOException {
      try (OutputStream os = Files.newOutputStream(file);
          ZipOutputStream z = new ZipOutputStream(os)) {
        for (var e : data.entrySet()) {
          long[] s = inputShapes.get(e.getKey()).clone();
          s[0] *= BATCHES;
          z.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
          z.write(npy(s, e.getValue()));
          z.closeEntry();
        }
      }
    }
  }

  static final int BATCHES = 4;

  private static byte[] npy(long[] shape, float[] v) {
    String dims =
        shape.length == 1
            ? shape[0] + ","
            : Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
    StringBuilder h =
        new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }");
    while ((10 + h.length() + 1) % 64 != 0) {
      h.append(' ');
    }
    h.append('\n');
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    out.write(h.length() & 0xff);
    out.write(h.length() >> 8);
    out.writeBytes(h.toString().getBytes(StandardCharsets.ISO_8859_1));
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    out.writeBytes(b.array());
    return out.toByteArray();
  }

  /** A graph under construction. */
  static final class G {
    final Random rnd;
    final GraphProto.Builder graph = GraphProto.newBuilder();
    final Map<String, long[]> shapes = new LinkedHashMap<>();
    final Map<String, float[]> data = new LinkedHashMap<>();
    double lo = -1;
    double hi = 1;
    int fresh;

    G(Random rnd) {
      this.rnd = rnd;
    }

    /** The range the following inputs' data is drawn from. */
    G range(double lo, double hi) {
      this.lo = lo;
      this.hi = hi;
      return this;
    }

    /** A float32 graph input with fixed dims (dim 0 is also the batch the data is cut along). */
    String x(long... dims) {
      String name = "x" + shapes.size();
      shapes.put(name, dims);
      float[] v = new float[(int) (BATCHES * count(dims))];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
      }
      data.put(name, v);
      graph.addInput(value(name, TensorProto.DataType.FLOAT_VALUE, dims));
      return name;
    }

    String init(TensorProto t) {
      String name = "c" + fresh++;
      graph.addInitializer(t.toBuilder().setName(name));
      return name;
    }

    /** A random float32 initializer. */
    String f(long... dims) {
      float[] v = new float[(int) count(dims)];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (rnd.nextGaussian() * 0.5);
      }
      return floats(dims, v);
    }

    String floats(long[] dims, float... v) {
      ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (float e : v) {
        b.putFloat(e);
      }
      return init(tensor(TensorProto.DataType.FLOAT_VALUE, dims, b.array()));
    }

    /** A float32 scalar initializer. */
    String fs(float v) {
      return floats(new long[0], v);
    }

    /** A 1-D int64 initializer. */
    String i64(long... v) {
      return longs(new long[] {v.length}, v);
    }

    /** An int64 scalar initializer. */
    String s64(long v) {
      return longs(new long[0], v);
    }

    String longs(long[] dims, long... v) {
      ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
      for (long e : v) {
        b.putLong(e);
      }
      return init(tensor(TensorProto.DataType.INT64_VALUE, dims, b.array()));
    }

    /** A uint8 initializer with random values. */
    String u8(long... dims) {
      byte[] v = new byte[(int) count(dims)];
      rnd.nextBytes(v);
      return init(tensor(TensorProto.DataType.UINT8_VALUE, dims, v));
    }

    /** A uint8 scalar initializer. */
    String u8s(int v) {
      return init(tensor(TensorProto.DataType.UINT8_VALUE, new long[0], new byte[] {(byte) v}));
    }

    /** A node with one output; returns the output's name. */
    String n(String op, List<AttributeProto> attrs, String... in) {
      return outs(op, 1, attrs, in).get(0);
    }

    String n(String op, String... in) {
      return n(op, List.of(), in);
    }

    /** A node with {@code k} outputs. */
    List<String> outs(String op, int k, List<AttributeProto> attrs, String... in) {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        out.add(op.toLowerCase() + graph.getNodeCount() + "_" + i);
      }
      graph.addNode(
          NodeProto.newBuilder()
              .setOpType(op)
              .setName(op + "_" + graph.getNodeCount())
              .addAllInput(List.of(in))
              .addAllOutput(out)
              .addAllAttribute(attrs));
      return out;
    }

    /** {@code Cast(v, to)}. */
    String cast(String v, int to) {
      return n("Cast", List.of(i("to", to)), v);
    }

    /** A graph output of the given element type (shape left to ONNX Runtime). */
    G out(String name, int elemType) {
      graph.addOutput(
          ValueInfoProto.newBuilder()
              .setName(name)
              .setType(
                  TypeProto.newBuilder()
                      .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType))));
      return this;
    }

    G out(String name) {
      return out(name, TensorProto.DataType.FLOAT_VALUE);
    }

    Built finish(String name, int opset) {
      ModelProto m =
          ModelProto.newBuilder()
              .setIrVersion(opset >= 23 ? 11 : opset >= 19 ? 9 : 8)
              .setProducerName("infercost-op-corpus")
              .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
              .setGraph(graph.setName(name.replace('@', '_')))
              .build();
      return new Built(m, shapes, data);
    }
  }

  static long count(long[] dims) {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    return n;
  }

  private static TensorProto tensor(int type, long[] dims, byte[] raw) {
    TensorProto.Builder t =
        TensorProto.newBuilder().setDataType(type).setRawData(ByteString.copyFrom(raw));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  private static ValueInfoProto value(String name, int type, long[] dims) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (long d : dims) {
      s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type).setShape(s)))
        .build();
  }

  static AttributeProto i(String name, long v) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(v)
        .build();
  }

  static AttributeProto is(String name, long... v) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long e : v) {
      a.addInts(e);
    }
    return a.build();
  }

  static AttributeProto f(String name, float v) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.FLOAT)
        .setF(v)
        .build();
  }

  static AttributeProto fs(String name, float... v) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOATS);
    for (float e : v) {
      a.addFloats(e);
    }
    return a.build();
  }

  static AttributeProto s(String name, String v) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.STRING)
        .setS(ByteString.copyFromUtf8(v))
        .build();
  }

  static AttributeProto g(String name, GraphProto body) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.GRAPH)
        .setG(body)
        .build();
  }

  private static final int F = TensorProto.DataType.FLOAT_VALUE;
  private static final int I64 = TensorProto.DataType.INT64_VALUE;
  private static final int I32 = TensorProto.DataType.INT32_VALUE;
  private static final int U8 = TensorProto.DataType.UINT8_VALUE;
  private static final int BOOL = TensorProto.DataType.BOOL_VALUE;

  private static final List<Entry> ENTRIES = new ArrayList<>();

  private static void add(String op, Consumer<G> body) {
    add(op, OPSET, body);
  }

  private static void add(String name, int opset, Consumer<G> body) {
    ENTRIES.add(new Entry(name, opset, body));
  }

  /** An elementwise op on one float input [2,3,4], with attributes. */
  private static void unary(String op, AttributeProto... attrs) {
    add(op, g -> g.out(g.n(op, List.of(attrs), g.x(2, 3, 4))));
  }

  /** An op on data drawn from [lo, hi]. */
  private static void unaryIn(String op, double lo, double hi) {
    add(op, g -> g.out(g.range(lo, hi).n(op, g.x(2, 3, 4))));
  }

  private static void binary(String op, int outType) {
    add(op, g -> g.out(g.n(op, g.x(2, 3, 4), g.x(2, 1, 4)), outType));
  }

  /** A bool/int op fed by Casts of its float inputs. */
  private static void castBinary(String op, int type, int opset) {
    add(
        op,
        opset,
        g -> g.out(g.n(op, g.cast(g.x(2, 3, 4), type), g.cast(g.x(2, 3, 4), type)), type));
  }

  /** A 4-D input [2,3,6,6] to pooling/convolution-like ops. */
  private static void image(String op, AttributeProto... attrs) {
    add(op, g -> g.out(g.n(op, List.of(attrs), g.x(2, 3, 6, 6))));
  }

  private static void reduce(String op, boolean positive) {
    add(
        op,
        g ->
            g.out(
                g.range(positive ? 0.1 : -1, 1)
                    .n(op, List.of(is("axes", 1), i("keepdims", 0)), g.x(2, 3, 4))));
  }

  static {
    for (String op :
        List.of(
            "Abs",
            "Asin",
            "Asinh",
            "Atan",
            "Ceil",
            "Cos",
            "Cosh",
            "Elu",
            "Erf",
            "Exp",
            "Floor",
            "HardSigmoid",
            "HardSwish",
            "Identity",
            "LeakyRelu",
            "Neg",
            "Relu",
            "Round",
            "Selu",
            "Sigmoid",
            "Sign",
            "Sin",
            "Sinh",
            "Softplus",
            "Softsign",
            "Tan",
            "Tanh",
            "ThresholdedRelu",
            "Celu",
            "Shrink",
            "Softmax",
            "LogSoftmax",
            "Hardmax")) {
      unary(op);
    }
    unaryIn("Acos", -0.9, 0.9);
    unaryIn("Atanh", -0.9, 0.9);
    unaryIn("Acosh", 1.1, 3);
    unaryIn("Log", 0.1, 2);
    unaryIn("Sqrt", 0.1, 2);
    unaryIn("Reciprocal", 0.5, 2);
    add("Mish", 18, g -> g.out(g.n("Mish", g.x(2, 3, 4))));
    add("Gelu", 20, g -> g.out(g.n("Gelu", g.x(2, 3, 4))));
    add("IsNaN", g -> g.out(g.n("IsNaN", g.x(2, 3, 4)), BOOL));
    add("IsInf", g -> g.out(g.n("IsInf", g.x(2, 3, 4)), BOOL));
    add("Not", g -> g.out(g.n("Not", g.n("Greater", g.x(2, 3, 4), g.fs(0))), BOOL));
    add("Dropout", g -> g.out(g.n("Dropout", g.x(2, 3, 4))));
    add("Cast", g -> g.out(g.cast(g.x(2, 3, 4), TensorProto.DataType.DOUBLE_VALUE), 11));
    add("CastLike", g -> g.out(g.n("CastLike", g.x(2, 3, 4), g.f(1))));
    add("Clip", g -> g.out(g.n("Clip", g.x(2, 3, 4), g.fs(-0.5f), g.fs(0.5f))));
    add("Trilu", g -> g.out(g.n("Trilu", List.of(i("upper", 0)), g.x(2, 4, 4))));
    add("EyeLike", g -> g.out(g.n("EyeLike", g.x(4, 5))));
    add("Det", g -> g.out(g.n("Det", g.x(2, 3, 3))));
    add("LpNormalization", g -> g.out(g.n("LpNormalization", g.x(2, 3, 4))));
    add("LRN", g -> g.out(g.n("LRN", List.of(i("size", 3)), g.x(2, 3, 6, 6))));
    image("MeanVarianceNormalization");
    add(
        "InstanceNormalization",
        g -> g.out(g.n("InstanceNormalization", g.x(2, 3, 6, 6), g.f(3), g.f(3))));
    add(
        "BatchNormalization",
        g ->
            g.out(
                g.n(
                    "BatchNormalization",
                    g.x(2, 3, 6, 6),
                    g.f(3),
                    g.f(3),
                    g.f(3),
                    g.floats(new long[] {3}, 1, 2, 0.5f))));
    add(
        "LayerNormalization",
        g ->
            g.out(g.n("LayerNormalization", List.of(i("axis", -1)), g.x(2, 3, 4), g.f(4), g.f(4))));
    add(
        "GroupNormalization",
        21,
        g ->
            g.out(
                g.n(
                    "GroupNormalization",
                    List.of(i("num_groups", 2)),
                    g.x(2, 4, 3, 3),
                    g.f(4),
                    g.f(4))));

    for (String op : List.of("Add", "Sub", "Mul", "Max", "Min", "Mean", "Sum", "PRelu")) {
      binary(op, F);
    }
    add("Div", g -> g.out(g.n("Div", g.x(2, 3, 4), g.range(0.5, 2).x(2, 1, 4))));
    add("Pow", g -> g.out(g.n("Pow", g.range(0.1, 2).x(2, 3, 4), g.x(2, 1, 4))));
    add(
        "Mod",
        g -> g.out(g.n("Mod", List.of(i("fmod", 1)), g.x(2, 3, 4), g.range(0.5, 2).x(2, 1, 4))));
    for (String op : List.of("Equal", "Greater", "GreaterOrEqual", "Less", "LessOrEqual")) {
      binary(op, BOOL);
    }
    for (String op : List.of("And", "Or", "Xor")) {
      castBinary(op, BOOL, OPSET);
    }
    for (String op : List.of("BitwiseAnd", "BitwiseOr", "BitwiseXor")) {
      castBinary(op, I32, 18);
    }
    add("BitwiseNot", 18, g -> g.out(g.n("BitwiseNot", g.cast(g.x(2, 3), I32)), I32));
    add(
        "BitShift",
        g ->
            g.out(
                g.n(
                    "BitShift",
                    List.of(s("direction", "LEFT")),
                    g.cast(g.range(0, 50).x(2, 3), U8),
                    g.u8s(1)),
                U8));
    add(
        "Where",
        g -> g.out(g.n("Where", g.n("Greater", g.x(2, 3, 4), g.fs(0)), g.x(2, 3, 4), g.f(4))));

    // Products and convolutions.
    add("MatMul", g -> g.out(g.n("MatMul", g.x(2, 3, 4), g.f(4, 5))));
    add("MatMul(2 inputs)", OPSET, g -> g.out(g.n("MatMul", g.x(2, 3, 4), g.x(2, 4, 5))));
    add(
        "Gemm",
        g ->
            g.out(
                g.n(
                    "Gemm",
                    List.of(i("transB", 1), f("alpha", 0.5f)),
                    g.x(3, 4),
                    g.f(5, 4),
                    g.f(5))));
    add(
        "Conv",
        g ->
            g.out(
                g.n(
                    "Conv",
                    List.of(is("pads", 1, 1, 1, 1)),
                    g.x(2, 3, 6, 6),
                    g.f(4, 3, 3, 3),
                    g.f(4))));
    add(
        "Conv(group)",
        OPSET,
        g -> g.out(g.n("Conv", List.of(i("group", 3)), g.x(2, 3, 6, 6), g.f(6, 1, 3, 3))));
    add("Conv(1-D)", OPSET, g -> g.out(g.n("Conv", g.x(2, 3, 8), g.f(4, 3, 3))));
    add(
        "ConvTranspose",
        g ->
            g.out(
                g.n(
                    "ConvTranspose",
                    List.of(is("strides", 2, 2)),
                    g.x(2, 3, 4, 4),
                    g.f(3, 2, 3, 3),
                    g.f(2))));
    add(
        "Einsum",
        g -> g.out(g.n("Einsum", List.of(s("equation", "bij,jk->bik")), g.x(2, 3, 4), g.f(4, 5))));
    add(
        "MatMulInteger",
        g ->
            g.out(
                g.n(
                    "MatMulInteger",
                    g.n("QuantizeLinear", g.x(3, 4), g.fs(0.01f), g.u8s(128)),
                    g.u8(4, 5)),
                I32));
    add(
        "ConvInteger",
        g ->
            g.out(
                g.n(
                    "ConvInteger",
                    g.n("QuantizeLinear", g.x(1, 2, 5, 5), g.fs(0.01f), g.u8s(128)),
                    g.u8(3, 2, 3, 3)),
                I32));
    add(
        "QLinearMatMul",
        g ->
            g.out(
                g.n(
                    "QLinearMatMul",
                    g.n("QuantizeLinear", g.x(3, 4), g.fs(0.01f), g.u8s(128)),
                    g.fs(0.01f),
                    g.u8s(128),
                    g.u8(4, 5),
                    g.fs(0.01f),
                    g.u8s(128),
                    g.fs(0.5f),
                    g.u8s(128)),
                U8));
    add(
        "QLinearConv",
        g ->
            g.out(
                g.n(
                    "QLinearConv",
                    g.n("QuantizeLinear", g.x(1, 2, 5, 5), g.fs(0.01f), g.u8s(128)),
                    g.fs(0.01f),
                    g.u8s(128),
                    g.u8(3, 2, 3, 3),
                    g.fs(0.01f),
                    g.u8s(128),
                    g.fs(0.5f),
                    g.u8s(128)),
                U8));
    add(
        "DequantizeLinear",
        g ->
            g.out(
                g.n(
                    "DequantizeLinear",
                    g.n("QuantizeLinear", g.x(2, 3, 4), g.fs(0.01f), g.u8s(128)),
                    g.fs(0.01f),
                    g.u8s(128))));
    add(
        "DynamicQuantizeLinear",
        g -> g.out(g.outs("DynamicQuantizeLinear", 3, List.of(), g.x(2, 3, 4)).get(0), U8));

    // Pooling.
    image("AveragePool", is("kernel_shape", 2, 2), is("strides", 2, 2));
    image("MaxPool", is("kernel_shape", 3, 3), is("pads", 1, 1, 1, 1));
    image("LpPool", is("kernel_shape", 2, 2));
    image("GlobalAveragePool");
    image("GlobalMaxPool");
    image("GlobalLpPool");
    add(
        "MaxUnpool",
        g -> {
          List<String> p =
              g.outs(
                  "MaxPool",
                  2,
                  List.of(is("kernel_shape", 2, 2), is("strides", 2, 2)),
                  g.x(1, 2, 4, 4));
          g.out(
              g.n(
                  "MaxUnpool",
                  List.of(is("kernel_shape", 2, 2), is("strides", 2, 2)),
                  p.get(0),
                  p.get(1)));
        });
    add(
        "MaxRoiPool",
        g ->
            g.out(
                g.n(
                    "MaxRoiPool",
                    List.of(is("pooled_shape", 2, 2)),
                    g.x(1, 2, 6, 6),
                    g.floats(new long[] {2, 5}, 0, 0, 0, 3, 3, 0, 1, 1, 5, 5))));
    add(
        "RoiAlign",
        g ->
            g.out(
                g.n(
                    "RoiAlign",
                    List.of(i("output_height", 2), i("output_width", 2)),
                    g.x(1, 2, 6, 6),
                    g.floats(new long[] {2, 4}, 0, 0, 3, 3, 1, 1, 5, 5),
                    g.longs(new long[] {2}, 0, 0))));

    // Reductions.
    for (String op :
        List.of(
            "ReduceL1",
            "ReduceL2",
            "ReduceLogSumExp",
            "ReduceMax",
            "ReduceMean",
            "ReduceMin",
            "ReduceProd",
            "ReduceSumSquare")) {
      reduce(op, false);
    }
    reduce("ReduceLogSum", true);
    add(
        "ReduceSum",
        g -> g.out(g.n("ReduceSum", List.of(i("keepdims", 0)), g.x(2, 3, 4), g.i64(1))));
    add("ArgMax", g -> g.out(g.n("ArgMax", List.of(i("axis", 1)), g.x(2, 3, 4)), I64));
    add("ArgMin", g -> g.out(g.n("ArgMin", List.of(i("axis", -1)), g.x(2, 3, 4)), I64));
    add("CumSum", g -> g.out(g.n("CumSum", g.x(2, 3, 4), g.s64(1))));
    add(
        "TopK",
        g -> {
          List<String> o = g.outs("TopK", 2, List.of(), g.x(2, 3, 4), g.i64(2));
          g.out(o.get(0)).out(o.get(1), I64);
        });

    // Shapes and data movement.
    add("Reshape", g -> g.out(g.n("Reshape", g.x(2, 3, 4), g.i64(0, -1))));
    add("Flatten", g -> g.out(g.n("Flatten", List.of(i("axis", 2)), g.x(2, 3, 4))));
    add("Transpose", g -> g.out(g.n("Transpose", List.of(is("perm", 2, 0, 1)), g.x(2, 3, 4))));
    add("Squeeze", g -> g.out(g.n("Squeeze", g.x(2, 1, 4), g.i64(1))));
    add("Unsqueeze", g -> g.out(g.n("Unsqueeze", g.x(2, 3), g.i64(1, -1))));
    add("Concat", g -> g.out(g.n("Concat", List.of(i("axis", 1)), g.x(2, 3, 4), g.x(2, 2, 4))));
    add(
        "Split",
        g -> {
          List<String> o = g.outs("Split", 2, List.of(i("axis", 1)), g.x(2, 5, 4), g.i64(2, 3));
          g.out(o.get(0)).out(o.get(1));
        });
    add(
        "Slice",
        g ->
            g.out(
                g.n("Slice", g.x(2, 6, 4), g.i64(1, -1), g.i64(5, 0), g.i64(1, 2), g.i64(2, -1))));
    add("Gather", g -> g.out(g.n("Gather", List.of(i("axis", 1)), g.x(2, 5, 4), g.i64(0, 4, -1))));
    add(
        "Gather(embedding)",
        OPSET,
        g -> g.out(g.n("Gather", g.f(10, 8), g.cast(g.range(0, 9.9).x(2, 3), I64))));
    add(
        "GatherElements",
        g ->
            g.out(
                g.n(
                    "GatherElements",
                    List.of(i("axis", 1)),
                    g.x(2, 3),
                    g.longs(new long[] {2, 2}, 0, 2, 1, 0))));
    add(
        "GatherND",
        g -> g.out(g.n("GatherND", g.x(2, 3, 4), g.longs(new long[] {2, 2}, 0, 1, 1, 2))));
    add(
        "ScatterElements",
        g ->
            g.out(
                g.n(
                    "ScatterElements",
                    List.of(i("axis", 1)),
                    g.x(2, 3),
                    g.longs(new long[] {2, 1}, 2, 0),
                    g.f(2, 1))));
    add(
        "ScatterND",
        g -> g.out(g.n("ScatterND", g.x(2, 3, 4), g.longs(new long[] {1, 2}, 1, 2), g.f(1, 4))));
    add("Expand", g -> g.out(g.n("Expand", g.x(2, 1, 4), g.i64(2, 3, 4))));
    add("Tile", g -> g.out(g.n("Tile", g.x(2, 3), g.i64(2, 2))));
    add(
        "Pad",
        g ->
            g.out(
                g.n("Pad", List.of(s("mode", "reflect")), g.x(2, 3, 4), g.i64(0, 1, 1, 0, 1, 1))));
    add("Shape", g -> g.out(g.n("Shape", g.x(2, 3, 4)), I64));
    add("Size", g -> g.out(g.n("Size", g.x(2, 3, 4)), I64));
    add("ConstantOfShape", g -> g.out(g.n("Add", g.x(2, 3), g.n("ConstantOfShape", g.i64(2, 3)))));
    add("Range", g -> g.out(g.n("Add", g.x(5), g.n("Range", g.fs(0), g.fs(5), g.fs(1)))));
    add(
        "Constant",
        g ->
            g.out(
                g.n(
                    "Add",
                    g.x(3),
                    g.n(
                        "Constant",
                        List.of(
                            AttributeProto.newBuilder()
                                .setName("value_floats")
                                .setType(AttributeProto.AttributeType.FLOATS)
                                .addFloats(1)
                                .addFloats(2)
                                .addFloats(3)
                                .build())))));
    add(
        "OneHot",
        g ->
            g.out(
                g.n(
                    "OneHot",
                    g.cast(g.range(0, 4.9).x(2, 3), I64),
                    g.s64(5),
                    g.floats(new long[] {2}, 0, 1))));
    add(
        "DepthToSpace",
        g -> g.out(g.n("DepthToSpace", List.of(i("blocksize", 2)), g.x(1, 8, 2, 3))));
    add(
        "SpaceToDepth",
        g -> g.out(g.n("SpaceToDepth", List.of(i("blocksize", 2)), g.x(1, 2, 4, 6))));
    add(
        "Resize",
        g ->
            g.out(
                g.n(
                    "Resize",
                    List.of(s("mode", "linear")),
                    g.x(1, 2, 3, 3),
                    "",
                    g.floats(new long[] {4}, 1, 1, 2, 2))));
    add(
        "Upsample@9",
        9,
        g -> g.out(g.n("Upsample", g.x(1, 2, 3, 3), g.floats(new long[] {4}, 1, 1, 2, 2))));
    add(
        "Compress",
        g ->
            g.out(
                g.n(
                    "Compress",
                    List.of(i("axis", 1)),
                    g.x(2, 3),
                    g.init(tensor(BOOL, new long[] {3}, new byte[] {1, 0, 1})))));
    add("NonZero", g -> g.out(g.n("NonZero", g.x(2, 3)), I64));
    add(
        "Unique",
        g ->
            g.out(
                g.outs("Unique", 4, List.of(i("sorted", 1)), g.n("Round", g.range(0, 3).x(6)))
                    .get(0)));
    add(
        "ReverseSequence",
        g ->
            g.out(
                g.n(
                    "ReverseSequence",
                    List.of(i("batch_axis", 1), i("time_axis", 0)),
                    g.x(4, 2, 3),
                    g.i64(4, 2))));
    add(
        "GridSample",
        16,
        g -> g.out(g.n("GridSample", g.x(1, 2, 4, 4), g.range(-1, 1).x(1, 3, 3, 2))));
    add("AffineGrid", 20, g -> g.out(g.n("AffineGrid", g.x(2, 2, 3), g.i64(2, 1, 4, 4))));
    add("Col2Im", 18, g -> g.out(g.n("Col2Im", g.x(1, 4, 9), g.i64(4, 4), g.i64(2, 2))));
    add("CenterCropPad", 18, g -> g.out(g.n("CenterCropPad", g.x(2, 5, 3), g.i64(2, 4, 4))));
    add("DFT", g -> g.out(g.n("DFT", List.of(i("onesided", 1)), g.x(2, 8, 1))));
    add("STFT", g -> g.out(g.n("STFT", g.x(2, 16, 1), g.s64(4), g.n("HannWindow", g.s64(8)))));
    for (String w : List.of("HannWindow", "HammingWindow", "BlackmanWindow")) {
      add(w, g -> g.out(g.n("Add", g.x(1, 8), g.n(w, g.s64(8)))));
    }
    add(
        "MelWeightMatrix",
        g ->
            g.out(
                g.n(
                    "MatMul",
                    g.x(2, 5),
                    g.n("MelWeightMatrix", g.s64(2), g.s64(8), g.s64(8000), g.fs(0), g.fs(4000)))));
    add(
        "NonMaxSuppression",
        g ->
            g.out(
                g.n(
                    "NonMaxSuppression",
                    g.floats(new long[] {1, 3, 4}, 0, 0, 1, 1, 0, 0.1f, 1, 1.1f, 0, 5, 1, 6),
                    g.range(0, 1).x(1, 1, 3),
                    g.i64(2),
                    g.fs(0.5f)),
                I64));
    add(
        "RandomNormalLike",
        g ->
            g.out(
                g.n("Mul", g.x(2, 3), g.n("RandomNormalLike", List.of(f("seed", 1)), g.f(2, 3)))));
    add(
        "RandomUniform",
        g ->
            g.out(
                g.n(
                    "Add",
                    g.x(2, 3),
                    g.n("RandomUniform", List.of(is("shape", 2, 3), f("seed", 2))))));
    add("Bernoulli", g -> g.out(g.n("Bernoulli", List.of(f("seed", 3)), g.range(0, 1).x(2, 3))));
    add(
        "Multinomial",
        g -> g.out(g.n("Multinomial", List.of(i("sample_size", 3), f("seed", 4)), g.x(2, 5)), I32));
    add(
        "TfIdfVectorizer",
        g ->
            g.out(
                g.n(
                    "TfIdfVectorizer",
                    List.of(
                        s("mode", "TF"),
                        i("min_gram_length", 1),
                        i("max_gram_length", 1),
                        i("max_skip_count", 0),
                        is("ngram_counts", 0),
                        is("ngram_indexes", 0, 1, 2),
                        is("pool_int64s", 1, 2, 3)),
                    g.cast(g.range(0, 4).x(2, 6), I64))));

    // Recurrent.
    for (String rnn : List.of("RNN", "GRU", "LSTM")) {
      int gates = rnn.equals("RNN") ? 1 : rnn.equals("GRU") ? 3 : 4;
      add(
          rnn,
          g ->
              g.out(
                  g.outs(
                          rnn,
                          1,
                          List.of(i("hidden_size", 5)),
                          g.x(4, 2, 3),
                          g.f(1, gates * 5, 3),
                          g.f(1, gates * 5, 5),
                          g.f(1, 2 * gates * 5))
                      .get(0)));
    }

    // Control flow and sequences.
    add(
        "If",
        g -> {
          String cond =
              g.n("Greater", g.n("ReduceMax", List.of(i("keepdims", 0)), g.x(2, 3)), g.fs(0));
          g.out(
              g.n(
                  "If",
                  List.of(g("then_branch", branch("Relu")), g("else_branch", branch("Neg"))),
                  cond));
        });
    add(
        "SequenceConstruct",
        g ->
            g.out(
                g.n(
                    "ConcatFromSequence",
                    List.of(i("axis", 0)),
                    g.n("SequenceConstruct", g.x(2, 3), g.x(2, 3)))));
    add(
        "SplitToSequence",
        g ->
            g.out(
                g.n(
                    "ConcatFromSequence",
                    List.of(i("axis", 1), i("new_axis", 1)),
                    g.n("SplitToSequence", List.of(i("axis", 1)), g.x(2, 3)))));
  }

  // Sequences, optionals, random sources, newer opsets.
  static {
    add(
        "RandomNormal",
        g ->
            g.out(
                g.n(
                    "Add",
                    g.x(2, 3),
                    g.n("RandomNormal", List.of(is("shape", 2, 3), f("seed", 5))))));
    add(
        "RandomUniformLike",
        g ->
            g.out(
                g.n("Mul", g.x(2, 3), g.n("RandomUniformLike", List.of(f("seed", 6)), g.f(2, 3)))));
    add(
        "Scatter@9",
        9,
        g ->
            g.out(
                g.n(
                    "Scatter",
                    List.of(i("axis", 1)),
                    g.n("MatMul", g.x(2, 4), g.f(4, 3)),
                    g.longs(new long[] {2, 1}, 2, 0),
                    g.f(2, 1))));
    add(
        "SequenceInsert",
        g -> {
          String seq = g.n("SequenceConstruct", g.x(2, 3));
          String seq2 = g.n("SequenceInsert", seq, g.f(2, 3));
          g.out(
              g.n(
                  "Add",
                  g.n("SequenceAt", seq2, g.s64(1)),
                  g.cast(g.n("SequenceLength", seq2), F)));
        });
    add(
        "SequenceErase",
        g ->
            g.out(
                g.n(
                    "ConcatFromSequence",
                    List.of(i("axis", 0)),
                    g.n(
                        "SequenceErase",
                        g.n("SequenceConstruct", g.x(2, 3), g.x(2, 3)),
                        g.s64(0)))));
    add("RMSNormalization", 23, g -> g.out(g.n("RMSNormalization", g.x(2, 3, 4), g.f(4))));
    add(
        "Attention",
        23,
        g -> g.out(g.n("Attention", g.x(2, 2, 3, 4), g.x(2, 2, 3, 4), g.x(2, 2, 3, 4))));
    add("Optional", g -> g.out(g.n("OptionalGetElement", g.n("Optional", g.x(2, 3)))));
  }

  // Older opsets: what compress upgrades, and what it refuses.
  static {
    add("MatMul@9", 9, g -> g.out(g.n("MatMul", g.x(2, 3, 4), g.f(4, 5))));
    add("Gemm@7", 7, g -> g.out(g.n("Gemm", g.x(3, 4), g.f(4, 5), g.f(5))));
    add(
        "Conv@9",
        9,
        g -> g.out(g.n("Relu", g.n("Conv", g.x(1, 3, 6, 6), g.f(4, 3, 3, 3), g.f(4)))));
    add(
        "Clip@9",
        9,
        g ->
            g.out(
                g.n(
                    "Clip",
                    List.of(f("min", -0.5f), f("max", 0.5f)),
                    g.n("MatMul", g.x(2, 4), g.f(4, 3)))));
    add(
        "Slice@9",
        9,
        g ->
            g.out(
                g.n(
                    "Slice",
                    List.of(is("starts", 1), is("ends", 3), is("axes", 1)),
                    g.n("MatMul", g.x(2, 4), g.f(4, 5)))));
    add(
        "Pad@10",
        10,
        g ->
            g.out(
                g.n(
                    "Pad",
                    List.of(is("pads", 0, 1, 0, 2), f("value", 0.5f)),
                    g.n("MatMul", g.x(2, 4), g.f(4, 3)))));
    add(
        "TopK@9",
        9,
        g -> {
          List<String> o =
              g.outs("TopK", 2, List.of(i("k", 2)), g.n("MatMul", g.x(2, 4), g.f(4, 5)));
          g.out(o.get(0)).out(o.get(1), I64);
        });
    add(
        "BatchNormalization@7",
        7,
        g ->
            g.out(
                g.n(
                    "BatchNormalization",
                    List.of(i("spatial", 1)),
                    g.n("Conv", g.x(1, 3, 6, 6), g.f(3, 3, 3, 3)),
                    g.f(3),
                    g.f(3),
                    g.f(3),
                    g.floats(new long[] {3}, 1, 2, 0.5f))));
    add(
        "Resize@10",
        10,
        g ->
            g.out(
                g.n(
                    "Resize",
                    g.n("Conv", g.x(1, 2, 3, 3), g.f(2, 2, 1, 1)),
                    g.floats(new long[] {4}, 1, 1, 2, 2))));
    add(
        "Resize@10(linear)",
        10,
        g ->
            g.out(
                g.n(
                    "Resize",
                    List.of(s("mode", "linear")),
                    g.n("Conv", g.x(1, 2, 4, 4), g.f(2, 2, 1, 1)),
                    g.floats(new long[] {4}, 1, 1, 0.5f, 1.5f))));
    add(
        "Resize@10(mixed nearest)",
        10,
        g ->
            g.out(
                g.n(
                    "Resize",
                    g.n("Conv", g.x(1, 2, 4, 4), g.f(2, 2, 1, 1)),
                    g.floats(new long[] {4}, 1, 1, 0.5f, 1.5f))));
    add(
        "Upsample@7",
        7,
        g ->
            g.out(
                g.n(
                    "Upsample",
                    List.of(fs("scales", 1, 1, 2, 2)),
                    g.n("Conv", g.x(1, 2, 3, 3), g.f(2, 2, 1, 1)))));
    add(
        "Softmax@11",
        11,
        g -> g.out(g.n("Softmax", List.of(i("axis", 1)), g.n("MatMul", g.x(2, 3, 4), g.f(4, 5)))));
    add(
        "Squeeze@11",
        11,
        g -> g.out(g.n("Squeeze", List.of(is("axes", 1)), g.n("MatMul", g.x(2, 1, 4), g.f(4, 5)))));
    add(
        "Split@12",
        12,
        g -> {
          List<String> o =
              g.outs(
                  "Split",
                  2,
                  List.of(i("axis", 1), is("split", 2, 3)),
                  g.n("MatMul", g.x(2, 4), g.f(4, 5)));
          g.out(o.get(0)).out(o.get(1));
        });
  }

  /** A then/else branch that applies {@code op} to the outer graph's first input. */
  private static GraphProto branch(String op) {
    return GraphProto.newBuilder()
        .setName(op.toLowerCase() + "_branch")
        .addNode(
            NodeProto.newBuilder()
                .setOpType(op)
                .addInput("x0")
                .addOutput(op.toLowerCase() + "_out"))
        .addOutput(
            ValueInfoProto.newBuilder()
                .setName(op.toLowerCase() + "_out")
                .setType(
                    TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(F))))
        .build();
  }

  private OpCorpus() {}

  /** Every entry, in a fixed order. */
  static List<Entry> entries() {
    return List.copyOf(ENTRIES);
  }
}
