package dev.infercost.models;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Tiny ONNX graphs built in Java (IR version 8, opset 13) with hand-computable outputs and MAC
 * counts, plus small helpers to run them on ONNX Runtime and to read the bundled {@code .npz} test
 * data without the profile module.
 */
public final class TestModels {
  public static final long IR_VERSION = 8;
  public static final long OPSET = 13;
  public static final String PRODUCER = "infercost-tests";
  public static final String PRODUCER_VERSION = "0.1";

  /** matmulAdd: weight [4,3], values (i·3 + j + 1) / 10. */
  public static final float[] MATMUL_W = {
    0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 1.0f, 1.1f, 1.2f
  };

  /** matmulAdd: bias [3]. */
  public static final float[] MATMUL_B = {0.5f, -1f, 2f};

  /** The name of matmulAdd's MatMul node. */
  public static final String MATMUL_NODE = "mm";

  // Conv: x [2,4,10,10], W [6,2,3,3] (group 2), stride 2, pad 1 -> y [2,6,5,5].
  public static final long CONV_N = 2;
  public static final long CONV_C_IN = 4;
  public static final long CONV_C_OUT = 6;
  public static final long CONV_GROUP = 2;
  public static final long CONV_K = 3;
  public static final long CONV_H = 10;
  public static final long CONV_STRIDE = 2;
  public static final long CONV_PAD = 1;
  public static final long CONV_H_OUT = (CONV_H + 2 * CONV_PAD - CONV_K) / CONV_STRIDE + 1;

  private TestModels() {}

  // ---------------------------------------------------------------- graphs

  /**
   * {@code y = x · W + b}: input {@code x} float [batch,4] (batch symbolic), a constant weight
   * [4,3] ({@link #MATMUL_W}) and bias [3] ({@link #MATMUL_B}), output {@code y} float [batch,3].
   */
  public static ModelProto matmulAdd() {
    return matmulAdd(floatTensor("W", new long[] {4, 3}, MATMUL_W), false);
  }

  /**
   * matmulAdd with the given weight initializer (for external data); with {@code weightsAsInputs}
   * the initializers are also listed as graph inputs, as IR version 3 exporters did.
   */
  public static ModelProto matmulAdd(TensorProto weight, boolean weightsAsInputs) {
    GraphProto.Builder g =
        GraphProto.newBuilder()
            .setName("matmul_add")
            .addInput(floatInput("x", "batch", 4))
            .addOutput(floatInput("y", "batch", 3))
            .addInitializer(weight)
            .addInitializer(floatTensor("B", new long[] {3}, MATMUL_B))
            .addNode(node("MatMul", MATMUL_NODE, List.of("x", "W"), List.of("xw")))
            .addNode(node("Add", "add", List.of("xw", "B"), List.of("y")));
    if (weightsAsInputs) {
      g.addInput(floatInput("W", 4, 3)).addInput(floatInput("B", 3));
    }
    return model(g);
  }

  /** Hand-computed reference output of {@link #matmulAdd()} for {@code x} [rows,4]. */
  public static float[] matmulAddReference(float[] x) {
    int rows = x.length / 4;
    float[] y = new float[rows * 3];
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < 3; j++) {
        float acc = MATMUL_B[j];
        for (int k = 0; k < 4; k++) {
          acc += x[r * 4 + k] * MATMUL_W[k * 3 + j];
        }
        y[r * 3 + j] = acc;
      }
    }
    return y;
  }

  /**
   * A grouped, strided, padded Conv: x float [2,4,10,10] → Conv(W [6,2,3,3], bias [6], group 2,
   * stride 2, pad 1) → y float [2,6,5,5]. Weights are all 1/8, bias 0, so each output element
   * equals the sum of its (C_in/group)·3·3 receptive-field inputs divided by 8.
   */
  public static ModelProto conv() {
    int wCount = (int) (CONV_C_OUT * (CONV_C_IN / CONV_GROUP) * CONV_K * CONV_K);
    float[] w = new float[wCount];
    java.util.Arrays.fill(w, 0.125f);
    NodeProto conv =
        node("Conv", "conv", List.of("x", "W", "B"), List.of("y")).toBuilder()
            .addAttribute(ints("kernel_shape", CONV_K, CONV_K))
            .addAttribute(ints("strides", CONV_STRIDE, CONV_STRIDE))
            .addAttribute(ints("pads", CONV_PAD, CONV_PAD, CONV_PAD, CONV_PAD))
            .addAttribute(intAttr("group", CONV_GROUP))
            .build();
    GraphProto.Builder g =
        GraphProto.newBuilder()
            .setName("conv")
            .addInput(floatInput("x", CONV_N, CONV_C_IN, CONV_H, CONV_H))
            .addOutput(floatInput("y", CONV_N, CONV_C_OUT, CONV_H_OUT, CONV_H_OUT))
            .addInitializer(
                floatTensor(
                    "W", new long[] {CONV_C_OUT, CONV_C_IN / CONV_GROUP, CONV_K, CONV_K}, w))
            .addInitializer(floatTensor("B", new long[] {CONV_C_OUT}, new float[(int) CONV_C_OUT]))
            .addNode(conv);
    return model(g);
  }

  /** MACs of {@link #conv()} by the formula N·C_out·H_out·W_out·(C_in/group)·kH·kW. */
  public static long convMacs() {
    return CONV_N
        * CONV_C_OUT
        * CONV_H_OUT
        * CONV_H_OUT
        * (CONV_C_IN / CONV_GROUP)
        * CONV_K
        * CONV_K;
  }

  /**
   * Initializers of three element types: x [batch,4] → MatMul(W float32 [4,3], raw) → Add(B float32
   * [3], stored as float_data) → Add(Cast(H float16 [3], raw)) → Reshape(S int64 [2] = [-1,3],
   * stored as int64_data) → y [batch,3].
   */
  public static ModelProto mixedDtypes() {
    TensorProto b =
        TensorProto.newBuilder()
            .setName("B")
            .addDims(3)
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .addFloatData(MATMUL_B[0])
            .addFloatData(MATMUL_B[1])
            .addFloatData(MATMUL_B[2])
            .build();
    ByteBuffer half = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
    half.putShort((short) 0x3c00).putShort((short) 0x4000).putShort((short) 0xbc00); // 1, 2, -1
    TensorProto h =
        TensorProto.newBuilder()
            .setName("H")
            .addDims(3)
            .setDataType(TensorProto.DataType.FLOAT16_VALUE)
            .setRawData(ByteString.copyFrom(half.array()))
            .build();
    TensorProto s =
        TensorProto.newBuilder()
            .setName("S")
            .addDims(2)
            .setDataType(TensorProto.DataType.INT64_VALUE)
            .addInt64Data(-1)
            .addInt64Data(3)
            .build();
    NodeProto cast =
        node("Cast", "cast", List.of("H"), List.of("h32")).toBuilder()
            .addAttribute(intAttr("to", TensorProto.DataType.FLOAT_VALUE))
            .build();
    GraphProto.Builder g =
        GraphProto.newBuilder()
            .setName("mixed")
            .addInput(floatInput("x", "batch", 4))
            .addOutput(floatInput("y", "batch", 3))
            .addInitializer(floatTensor("W", new long[] {4, 3}, MATMUL_W))
            .addInitializer(b)
            .addInitializer(h)
            .addInitializer(s)
            .addNode(node("MatMul", "mm", List.of("x", "W"), List.of("xw")))
            .addNode(node("Add", "add_b", List.of("xw", "B"), List.of("xwb")))
            .addNode(cast)
            .addNode(node("Add", "add_h", List.of("xwb", "h32"), List.of("z")))
            .addNode(node("Reshape", "reshape", List.of("z", "S"), List.of("y")));
    return model(g);
  }

  /** The float16 values in {@link #mixedDtypes()}'s H. */
  public static final float[] MIXED_H = {1f, 2f, -1f};

  /**
   * An initializer stored outside the model: {@code data_location = EXTERNAL} with {@code
   * location}, and {@code offset}/{@code length} when not negative.
   */
  public static TensorProto externalTensor(
      String name, long[] dims, String location, long offset, long length) {
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .setDataLocation(TensorProto.DataLocation.EXTERNAL)
            .addExternalData(entry("location", location));
    for (long d : dims) {
      t.addDims(d);
    }
    if (offset >= 0) {
      t.addExternalData(entry("offset", Long.toString(offset)));
    }
    if (length >= 0) {
      t.addExternalData(entry("length", Long.toString(length)));
    }
    return t.build();
  }

  /** Offset of matmulAdd's weight inside the external data file {@link #writeExternalModel}. */
  public static final long EXTERNAL_OFFSET = 4096;

  /**
   * Writes matmulAdd with its weight stored externally: {@code model.onnx} in {@code dir} and the
   * weight bytes at {@link #EXTERNAL_OFFSET} of {@code dataName} (also in {@code dir}), after a
   * block of filler bytes. Returns the model file.
   */
  public static Path writeExternalModel(Path dir, String dataName) throws IOException {
    byte[] weight = floatBytes(MATMUL_W);
    byte[] data = new byte[(int) EXTERNAL_OFFSET + weight.length];
    java.util.Arrays.fill(data, 0, (int) EXTERNAL_OFFSET, (byte) 0x7f);
    System.arraycopy(weight, 0, data, (int) EXTERNAL_OFFSET, weight.length);
    Files.write(dir.resolve(dataName), data);
    return writeModel(
        dir.resolve("model.onnx"),
        externalTensor("W", new long[] {4, 3}, dataName, EXTERNAL_OFFSET, weight.length));
  }

  /** Writes matmulAdd with the given weight tensor to {@code file}. */
  public static Path writeModel(Path file, TensorProto weight) throws IOException {
    Files.write(file, matmulAdd(weight, false).toByteArray());
    return file;
  }

  // ---------------------------------------------------------------- builders

  public static ModelProto model(GraphProto.Builder graph) {
    return ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .setProducerName(PRODUCER)
        .setProducerVersion(PRODUCER_VERSION)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(graph)
        .build();
  }

  public static NodeProto node(String op, String name, List<String> in, List<String> out) {
    return NodeProto.newBuilder()
        .setOpType(op)
        .setName(name)
        .addAllInput(in)
        .addAllOutput(out)
        .build();
  }

  /** A float tensor value info; each dim is a Long (fixed) or a String (symbolic). */
  public static ValueInfoProto floatInput(String name, Object... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (Object d : dims) {
      TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
      if (d instanceof String s) {
        dim.setDimParam(s);
      } else {
        dim.setDimValue(((Number) d).longValue());
      }
      shape.addDim(dim);
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT_VALUE)
                        .setShape(shape)))
        .build();
  }

  /** A float32 tensor with little-endian raw data. */
  public static TensorProto floatTensor(String name, long[] dims, float[] values) {
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .setRawData(ByteString.copyFrom(floatBytes(values)));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  public static byte[] floatBytes(float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  public static float[] floats(ByteBuffer littleEndian) {
    FloatBuffer f = littleEndian.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    float[] out = new float[f.remaining()];
    f.get(out);
    return out;
  }

  /** A graph-valued attribute: an If branch, a Loop or Scan body. */
  public static AttributeProto graphAttr(String name, GraphProto g) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.GRAPH)
        .setG(g)
        .build();
  }

  public static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  public static AttributeProto intAttr(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  private static StringStringEntryProto entry(String k, String v) {
    return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
  }

  // ---------------------------------------------------------------- ONNX Runtime

  /** Runs a model with one float input and returns its first output as floats. */
  public static float[] runOrt(byte[] model, String input, long[] shape, float[] x)
      throws OrtException {
    OrtEnvironment env = Models.ortEnvironment();
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(1);
      try (OrtSession session = env.createSession(model, opts)) {
        return run(env, session, input, shape, x);
      }
    }
  }

  /** Runs a model file with one float input and returns its first output as floats. */
  public static float[] runOrt(Path model, String input, long[] shape, float[] x)
      throws OrtException {
    OrtEnvironment env = Models.ortEnvironment();
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(1);
      try (OrtSession session = env.createSession(model.toString(), opts)) {
        return run(env, session, input, shape, x);
      }
    }
  }

  private static float[] run(
      OrtEnvironment env, OrtSession session, String input, long[] shape, float[] x)
      throws OrtException {
    try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
        OrtSession.Result r = session.run(Map.of(input, t))) {
      OnnxTensor out = (OnnxTensor) r.get(0);
      return floats(out.getByteBuffer());
    }
  }

  // ---------------------------------------------------------------- .npz

  /** One array of a {@code .npy}: dtype descriptor, shape, little-endian data. */
  public record NpyArray(String descr, long[] shape, ByteBuffer data) {
    public float[] asFloats() {
      return floats(data);
    }

    public long[] asLongs() {
      var l = data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
      long[] out = new long[l.remaining()];
      l.get(out);
      return out;
    }
  }

  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']+)'");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  /** A minimal reader for the bundled, uncompressed, C-ordered, version 1 {@code .npz} files. */
  public static Map<String, NpyArray> readNpz(Path file) throws IOException {
    Map<String, NpyArray> out = new LinkedHashMap<>();
    try (ZipFile zip = new ZipFile(file.toFile())) {
      for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
        ZipEntry entry = e.nextElement();
        try (InputStream in = zip.getInputStream(entry)) {
          byte[] all = in.readAllBytes();
          ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
          if (all[0] != (byte) 0x93 || all[6] != 1) {
            throw new IOException(entry.getName() + ": not a version 1 .npy");
          }
          int headerLen = Short.toUnsignedInt(b.getShort(8));
          String header = new String(all, 10, headerLen, StandardCharsets.ISO_8859_1);
          Matcher d = DESCR.matcher(header);
          Matcher s = SHAPE.matcher(header);
          if (!d.find() || !s.find() || header.contains("'fortran_order': True")) {
            throw new IOException(entry.getName() + ": unexpected header " + header);
          }
          List<Long> dims = new ArrayList<>();
          for (String part : s.group(1).split(",")) {
            if (!part.isBlank()) {
              dims.add(Long.parseLong(part.trim()));
            }
          }
          ByteBuffer data =
              ByteBuffer.wrap(all, 10 + headerLen, all.length - 10 - headerLen)
                  .slice()
                  .order(ByteOrder.LITTLE_ENDIAN);
          String key = entry.getName().replaceFirst("\\.npy$", "");
          out.put(
              key,
              new NpyArray(d.group(1), dims.stream().mapToLong(Long::longValue).toArray(), data));
        }
      }
    }
    return out;
  }
}
