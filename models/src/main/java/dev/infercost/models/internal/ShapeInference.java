package dev.infercost.models.internal;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.infercost.models.Op;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Forward shape inference through the common ONNX operators, with constant folding of the small
 * integer tensors that shape computations produce: {@code Shape → Gather/Slice → Squeeze/Unsqueeze
 * → Cast → Concat → Reshape/Expand/Tile/Pad}, {@code ConstantOfShape}, {@code Range}, integer
 * arithmetic and {@code Equal → Where} on such tensors, and small float constants for {@code
 * Resize}/{@code Upsample} scales. Shapes it cannot derive (e.g. after {@code NonZero}) stay
 * unknown ({@code null}); nothing is guessed.
 */
public final class ShapeInference {
  /** Integer tensors up to this many elements are folded as values. */
  private static final int MAX_FOLD = 64;

  private final Map<String, long[]> shapes = new HashMap<>();
  private final Map<String, long[]> values = new HashMap<>();
  private final Map<String, double[]> floats = new HashMap<>();

  private ShapeInference() {}

  /**
   * Infers shapes for every value in {@code graph}. {@code inputShapes} pins graph inputs; inputs
   * not in it keep their declared fixed dims, and symbolic dims stay unknown.
   */
  public static ShapeInference run(GraphProto graph, Map<String, long[]> inputShapes) {
    ShapeInference s = new ShapeInference();
    for (TensorProto t : graph.getInitializerList()) {
      long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
      s.shapes.put(t.getName(), dims);
      s.foldInitializer(t, dims);
    }
    for (ValueInfoProto v : graph.getInputList()) {
      if (s.shapes.containsKey(v.getName())) {
        continue; // an initializer that is also listed as an input
      }
      long[] given = inputShapes.get(v.getName());
      s.shapes.put(v.getName(), given != null ? given.clone() : declared(v));
    }
    for (NodeProto n : graph.getNodeList()) {
      try {
        s.infer(n);
      } catch (RuntimeException e) {
        // Unexpected attribute layouts leave this node's outputs unknown rather than failing.
      }
    }
    return s;
  }

  /** The inferred shape, or {@code null} when unknown (a dim may also be -1 inside a shape). */
  public long[] shape(String name) {
    long[] s = shapes.get(name);
    return s == null || !known(s) ? null : s;
  }

  private static long[] declared(ValueInfoProto v) {
    if (!v.getType().hasTensorType() || !v.getType().getTensorType().hasShape()) {
      return null;
    }
    TensorShapeProto sp = v.getType().getTensorType().getShape();
    long[] dims = new long[sp.getDimCount()];
    for (int i = 0; i < dims.length; i++) {
      var d = sp.getDim(i);
      dims[i] = d.hasDimValue() ? d.getDimValue() : -1;
    }
    return dims;
  }

  private static boolean known(long[] s) {
    if (s == null) {
      return false;
    }
    for (long d : s) {
      if (d < 0) {
        return false;
      }
    }
    return true;
  }

  private void foldInitializer(TensorProto t, long[] dims) {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    if (n > MAX_FOLD) {
      return;
    }
    int count = (int) n;
    long[] v = new long[count];
    if (t.getDataType() == TensorProto.DataType.INT64_VALUE) {
      if (t.getInt64DataCount() == count) {
        for (int i = 0; i < count; i++) {
          v[i] = t.getInt64Data(i);
        }
      } else if (t.getRawData().size() == count * 8) {
        ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
          v[i] = b.getLong(i * 8);
        }
      } else {
        return;
      }
    } else if (t.getDataType() == TensorProto.DataType.INT32_VALUE) {
      if (t.getInt32DataCount() == count) {
        for (int i = 0; i < count; i++) {
          v[i] = t.getInt32Data(i);
        }
      } else if (t.getRawData().size() == count * 4) {
        ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
          v[i] = b.getInt(i * 4);
        }
      } else {
        return;
      }
    } else {
      foldFloats(t, count);
      return;
    }
    values.put(t.getName(), v);
  }

  /** Keeps a small float32 constant (Resize/Upsample scales) as values. */
  private void foldFloats(TensorProto t, int count) {
    if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
      return;
    }
    double[] v = new double[count];
    if (t.getFloatDataCount() == count) {
      for (int i = 0; i < count; i++) {
        v[i] = t.getFloatData(i);
      }
    } else if (t.getRawData().size() == count * 4) {
      ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < count; i++) {
        v[i] = b.getFloat(i * 4);
      }
    } else {
      return;
    }
    floats.put(t.getName(), v);
  }

  private long[] in(NodeProto n, int i) {
    return i < n.getInputCount() && !n.getInput(i).isEmpty() ? shapes.get(n.getInput(i)) : null;
  }

  private long[] val(NodeProto n, int i) {
    return i < n.getInputCount() ? values.get(n.getInput(i)) : null;
  }

  private void out(NodeProto n, int i, long[] shape, long[] value) {
    if (i >= n.getOutputCount() || n.getOutput(i).isEmpty()) {
      return;
    }
    if (shape != null) {
      shapes.put(n.getOutput(i), shape);
    }
    if (value != null && value.length <= MAX_FOLD) {
      values.put(n.getOutput(i), value);
    }
  }

  private static AttributeProto attr(NodeProto n, String name) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a;
      }
    }
    return null;
  }

  private static long attrInt(NodeProto n, String name, long dflt) {
    AttributeProto a = attr(n, name);
    return a == null ? dflt : a.getI();
  }

  private static long[] attrInts(NodeProto n, String name) {
    AttributeProto a = attr(n, name);
    return a == null ? null : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
  }

  private static int axis(long axis, int rank) {
    return (int) (axis < 0 ? axis + rank : axis);
  }

  private void infer(NodeProto n) {
    Op op = Op.of(n.getOpType());
    if (op == null || op.shapeRule() == null) {
      return; // Unknown op: its outputs stay unknown.
    }
    long[] x = in(n, 0);
    switch (op.shapeRule()) {
      case SAME -> {
        out(n, 0, x, op == Op.CAST || op == Op.IDENTITY ? val(n, 0) : null);
        if (op == Op.DROPOUT) {
          out(n, 1, x, null); // the mask
        }
        if (op == Op.DYNAMIC_QUANTIZE_LINEAR) {
          out(n, 1, new long[0], null);
          out(n, 2, new long[0], null);
        }
        if (op == Op.SKIP_LAYER_NORMALIZATION) {
          out(n, 3, x, null); // input + skip (+ bias), which the next residual may read
        }
      }
      case BROADCAST -> {
        long[] s = x;
        for (int i = 1; i < n.getInputCount() && s != null; i++) {
          s = broadcast(s, in(n, i));
        }
        out(n, 0, s, op == Op.WHERE ? foldWhere(n) : foldBinary(op, n));
      }
      case MATMUL -> out(n, 0, matmul(x, in(n, op.rhsInput())), null);
      case CONV -> out(n, 0, conv(n, x, in(n, op.rhsInput())), null);
      case POOL -> {
        long[] k = attrInts(n, "kernel_shape");
        if (known(x) && k != null) {
          long[] y = pool(n, x, k, x[1]);
          out(n, 0, y, null);
          out(n, 1, y, null); // MaxPool's indices
        }
      }
      case GLOBAL_POOL -> {
        if (x != null) {
          long[] s = x.clone();
          for (int i = 2; i < s.length; i++) {
            s[i] = 1;
          }
          out(n, 0, s, null);
        }
      }
      case REDUCE, ARG_REDUCE -> inferReduce(n, x, op.shapeRule() == Op.ShapeRule.ARG_REDUCE);
      case OWN -> inferOwn(n, op, x);
    }
  }

  private void inferOwn(NodeProto n, Op op, long[] x) {
    switch (op) {
      case CONSTANT -> {
        AttributeProto a = attr(n, "value");
        if (a != null && a.hasT()) {
          long[] dims = a.getT().getDimsList().stream().mapToLong(Long::longValue).toArray();
          TensorProto t = a.getT().toBuilder().setName(n.getOutput(0)).build();
          shapes.put(n.getOutput(0), dims);
          foldInitializer(t, dims);
        } else if (attr(n, "value_ints") != null) {
          long[] v = attrInts(n, "value_ints");
          out(n, 0, new long[] {v.length}, v);
        } else if (attr(n, "value_int") != null) {
          out(n, 0, new long[0], new long[] {attrInt(n, "value_int", 0)});
        }
      }
      case SHAPE -> {
        if (x != null) {
          int r = x.length;
          int start = Math.max(0, Math.min(r, axis(attrInt(n, "start", 0), r)));
          int end = Math.max(start, Math.min(r, axis(attrInt(n, "end", r), r)));
          long[] v = Arrays.copyOfRange(x, start, end);
          out(n, 0, new long[] {v.length}, known(v) ? v : null);
        }
      }
      case SIZE -> out(n, 0, new long[0], known(x) ? new long[] {product(x)} : null);
      case GATHER -> inferGather(n, x);
      case UNSQUEEZE -> {
        long[] axes = attrInts(n, "axes");
        if (axes == null) {
          axes = val(n, 1);
        }
        if (x != null && axes != null) {
          int r = x.length + axes.length;
          boolean[] ins = new boolean[r];
          for (long a : axes) {
            ins[axis(a, r)] = true;
          }
          long[] s = new long[r];
          for (int i = 0, j = 0; i < r; i++) {
            s[i] = ins[i] ? 1 : x[j++];
          }
          out(n, 0, s, val(n, 0));
        }
      }
      case SQUEEZE -> {
        long[] axes = attrInts(n, "axes");
        if (axes == null) {
          axes = val(n, 1);
        }
        if (x != null) {
          List<Long> s = new ArrayList<>();
          for (int i = 0; i < x.length; i++) {
            boolean drop = false;
            if (axes == null) {
              drop = x[i] == 1;
            } else {
              for (long a : axes) {
                drop |= axis(a, x.length) == i;
              }
            }
            if (!drop) {
              s.add(x[i]);
            }
          }
          out(n, 0, s.stream().mapToLong(Long::longValue).toArray(), val(n, 0));
        }
      }
      case CONCAT -> inferConcat(n);
      case RESHAPE -> {
        long[] target = val(n, 1);
        if (x != null && target != null) {
          out(n, 0, reshape(x, target, attrInt(n, "allowzero", 0) == 1), val(n, 0));
        }
      }
      case FLATTEN -> {
        if (known(x)) {
          int a = axis(attrInt(n, "axis", 1), x.length);
          out(
              n,
              0,
              new long[] {
                product(Arrays.copyOf(x, a)), product(Arrays.copyOfRange(x, a, x.length))
              },
              null);
        }
      }
      case TRANSPOSE -> {
        if (x != null) {
          long[] perm = attrInts(n, "perm");
          long[] s = new long[x.length];
          for (int i = 0; i < s.length; i++) {
            s[i] = x[perm == null ? s.length - 1 - i : (int) perm[i]];
          }
          out(n, 0, s, null);
        }
      }
      case GEMM -> {
        long[] b = in(n, 1);
        if (x != null && b != null && x.length == 2 && b.length == 2) {
          long m = attrInt(n, "transA", 0) == 1 ? x[1] : x[0];
          long nn = attrInt(n, "transB", 0) == 1 ? b[0] : b[1];
          out(n, 0, new long[] {m, nn}, null);
        }
      }
      case SLICE -> inferSlice(n, x);
      case EXPAND -> {
        long[] target = val(n, 1);
        if (x != null && target != null) {
          long[] y = broadcast(x, target);
          long[] v = val(n, 0);
          out(n, 0, y, y != null && v != null && v.length == 1 ? filled(y, v[0]) : null);
        }
      }
      case CONSTANT_OF_SHAPE -> {
        long[] target = val(n, 0);
        if (target != null) {
          out(n, 0, target.clone(), filled(target, constantOfShapeValue(n)));
        }
      }
      case RANGE -> {
        long[] s = val(n, 0);
        long[] l = val(n, 1);
        long[] d = val(n, 2);
        if (s != null && l != null && d != null && d[0] != 0) {
          long len = Math.max(0, Math.floorDiv(l[0] - s[0] + d[0] - (d[0] > 0 ? 1 : -1), d[0]));
          long[] v = null;
          if (len <= MAX_FOLD) {
            v = new long[(int) len];
            for (int i = 0; i < v.length; i++) {
              v[i] = s[0] + i * d[0];
            }
          }
          out(n, 0, new long[] {len}, v);
        }
      }
      case TILE -> {
        long[] r = val(n, 1);
        if (x != null && r != null && r.length == x.length) {
          long[] y = new long[x.length];
          for (int i = 0; i < y.length; i++) {
            y[i] = x[i] < 0 ? -1 : x[i] * r[i];
          }
          out(n, 0, y, null);
        }
      }
      case PAD -> inferPad(n, x);
      case SPLIT -> inferSplit(n, x);
      case TOP_K -> {
        long[] k = attr(n, "k") != null ? new long[] {attrInt(n, "k", 0)} : val(n, 1);
        if (x != null && k != null && k.length == 1) {
          long[] y = x.clone();
          y[axis(attrInt(n, "axis", -1), x.length)] = k[0];
          out(n, 0, y, null);
          out(n, 1, y, null);
        }
      }
      case DEPTH_TO_SPACE, SPACE_TO_DEPTH -> {
        long b = attrInt(n, "blocksize", 0);
        if (known(x) && x.length == 4 && b > 0) {
          boolean up = op == Op.DEPTH_TO_SPACE;
          long c = up ? x[1] / (b * b) : x[1] * b * b;
          out(n, 0, new long[] {x[0], c, up ? x[2] * b : x[2] / b, up ? x[3] * b : x[3] / b}, null);
        }
      }
      case RESIZE, UPSAMPLE -> inferResize(n, x);
      case CONV_TRANSPOSE -> out(n, 0, convTranspose(n, x, in(n, 1)), null);
      case ATTENTION, Q_ATTENTION -> {
        // ONNX Runtime's fused attention: [batch, seq, in] · weight [in, 3 × hidden] → [batch,
        // seq, hidden] (the value width of qkv_hidden_sizes when Q, K and V differ).
        long[] w = in(n, 1);
        long[] qkv = attrInts(n, "qkv_hidden_sizes");
        if (known(x) && x.length == 3 && qkv != null && qkv.length == 3) {
          out(n, 0, new long[] {x[0], x[1], qkv[2]}, null);
        } else if (known(x) && x.length == 3 && known(w) && w.length == 2) {
          out(n, 0, new long[] {x[0], x[1], w[1] / 3}, null);
        }
      }
      case EMBED_LAYER_NORMALIZATION -> {
        // Token ids [batch, seq] and a word table [vocab, hidden]: embeddings [batch, seq,
        // hidden], a mask index [batch], and (optionally) the sum before normalization.
        long[] table = in(n, 2);
        if (known(x) && x.length == 2 && known(table) && table.length == 2) {
          long[] y = {x[0], x[1], table[1]};
          out(n, 0, y, null);
          out(n, 1, new long[] {x[0]}, null);
          out(n, 2, y, null);
        }
      }
      case ONE_HOT -> {
        long[] depth = val(n, 1);
        if (x != null && depth != null && depth.length == 1) {
          int r = x.length + 1;
          int a = axis(attrInt(n, "axis", -1), r);
          long[] y = new long[r];
          for (int i = 0, j = 0; i < r; i++) {
            y[i] = i == a ? depth[0] : x[j++];
          }
          out(n, 0, y, null);
        }
      }
      default -> {
        // An OWN rule this switch lacks: the outputs stay unknown.
      }
    }
  }

  /** ConstantOfShape's fill value when it is an integer, else {@code null} (float fills). */
  private static Long constantOfShapeValue(NodeProto n) {
    AttributeProto a = attr(n, "value");
    if (a == null || !a.hasT()) {
      return null; // float 0 by default
    }
    TensorProto t = a.getT();
    if (t.getDataType() == TensorProto.DataType.INT64_VALUE && t.getInt64DataCount() == 1) {
      return t.getInt64Data(0);
    }
    if (t.getDataType() == TensorProto.DataType.INT32_VALUE && t.getInt32DataCount() == 1) {
      return (long) t.getInt32Data(0);
    }
    if (t.getDataType() == TensorProto.DataType.INT64_VALUE && t.getRawData().size() == 8) {
      return t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    }
    if (t.getDataType() == TensorProto.DataType.INT32_VALUE && t.getRawData().size() == 4) {
      return (long) t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    }
    return null;
  }

  /** A tensor of {@code shape} holding {@code value} everywhere, when small enough to fold. */
  private static long[] filled(long[] shape, Long value) {
    if (value == null || !known(shape) || product(shape) > MAX_FOLD) {
      return null;
    }
    long[] v = new long[(int) product(shape)];
    Arrays.fill(v, value);
    return v;
  }

  private void inferPad(NodeProto n, long[] x) {
    long[] pads = attrInts(n, "pads") != null ? attrInts(n, "pads") : val(n, 1);
    if (x == null || pads == null) {
      return;
    }
    long[] axes = val(n, 3);
    int k = axes == null ? x.length : axes.length;
    if (pads.length != 2 * k) {
      return;
    }
    long[] y = x.clone();
    for (int i = 0; i < k; i++) {
      int a = axes == null ? i : axis(axes[i], x.length);
      y[a] = x[a] < 0 ? -1 : x[a] + pads[i] + pads[i + k];
    }
    out(n, 0, y, null);
  }

  private void inferSplit(NodeProto n, long[] x) {
    if (x == null) {
      return;
    }
    int a = axis(attrInt(n, "axis", 0), x.length);
    long[] split = attrInts(n, "split") != null ? attrInts(n, "split") : val(n, 1);
    int parts = n.getOutputCount();
    if (split == null) {
      if (x[a] < 0) {
        return;
      }
      // Equal parts; with num_outputs (opset 18) the last may be smaller.
      long chunk = (x[a] + parts - 1) / parts;
      split = new long[parts];
      for (int i = 0; i < parts; i++) {
        split[i] = Math.max(0, Math.min(chunk, x[a] - i * chunk));
      }
    }
    if (split.length != parts) {
      return;
    }
    for (int i = 0; i < parts; i++) {
      long[] y = x.clone();
      y[a] = split[i];
      out(n, i, y, null);
    }
  }

  private void inferResize(NodeProto n, long[] x) {
    if (!known(x) || attr(n, "axes") != null) {
      return; // Resize-18 with axes: left unknown
    }
    // Upsample-7: scales attribute; Upsample-9 and Resize-10: (X, scales); Resize-11+: (X, roi,
    // scales, sizes).
    boolean early = Op.UPSAMPLE.is(n.getOpType()) || n.getInputCount() == 2;
    long[] sizes = early ? null : val(n, 3);
    if (sizes != null && sizes.length == x.length) {
      out(n, 0, sizes.clone(), null);
      return;
    }
    double[] scales = null;
    AttributeProto a = attr(n, "scales");
    if (a != null) {
      scales = a.getFloatsList().stream().mapToDouble(Float::doubleValue).toArray();
    } else {
      int i = early ? 1 : 2;
      scales = i < n.getInputCount() ? floats.get(n.getInput(i)) : null;
    }
    if (scales == null || scales.length != x.length) {
      return;
    }
    long[] y = new long[x.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = (long) Math.floor(x[i] * scales[i]);
    }
    out(n, 0, y, null);
  }

  /** ConvTranspose: W is [C_in, C_out/group, k...]. */
  private static long[] convTranspose(NodeProto n, long[] x, long[] w) {
    if (!known(x) || !known(w) || x.length != w.length || x.length < 3) {
      return null;
    }
    int sp = x.length - 2;
    long[] y = new long[x.length];
    y[0] = x[0];
    y[1] = w[1] * attrInt(n, "group", 1);
    long[] outShape = attrInts(n, "output_shape");
    if (outShape != null && outShape.length == sp) {
      System.arraycopy(outShape, 0, y, 2, sp);
      return y;
    }
    long[] k = attrInts(n, "kernel_shape");
    long[] strides = attrInts(n, "strides");
    long[] dil = attrInts(n, "dilations");
    long[] pads = attrInts(n, "pads");
    long[] outPad = attrInts(n, "output_padding");
    AttributeProto ap = attr(n, "auto_pad");
    String autoPad = ap == null ? "NOTSET" : ap.getS().toStringUtf8();
    for (int i = 0; i < sp; i++) {
      long st = strides == null || strides.length == 0 ? 1 : strides[i];
      long d = dil == null || dil.length == 0 ? 1 : dil[i];
      long ki = k == null || k.length == 0 ? w[2 + i] : k[i];
      long op = outPad == null || outPad.length == 0 ? 0 : outPad[i];
      if (autoPad.startsWith("SAME")) {
        y[2 + i] = x[2 + i] * st;
      } else {
        long pad = pads == null || pads.length == 0 ? 0 : pads[i] + pads[i + sp];
        y[2 + i] = st * (x[2 + i] - 1) + op + (ki - 1) * d + 1 - pad;
      }
    }
    return y;
  }

  private long[] foldWhere(NodeProto n) {
    long[] c = val(n, 0);
    long[] a = val(n, 1);
    long[] b = val(n, 2);
    if (c == null || a == null || b == null) {
      return null;
    }
    int len = Math.max(c.length, Math.max(a.length, b.length));
    if (c.length != len && c.length != 1
        || a.length != len && a.length != 1
        || b.length != len && b.length != 1) {
      return null;
    }
    long[] r = new long[len];
    for (int i = 0; i < len; i++) {
      r[i] = c[c.length == 1 ? 0 : i] != 0 ? a[a.length == 1 ? 0 : i] : b[b.length == 1 ? 0 : i];
    }
    return r;
  }

  private void inferGather(NodeProto n, long[] x) {
    long[] idx = in(n, 1);
    if (x == null || idx == null) {
      return;
    }
    int a = axis(attrInt(n, "axis", 0), x.length);
    long[] s = new long[x.length - 1 + idx.length];
    System.arraycopy(x, 0, s, 0, a);
    System.arraycopy(idx, 0, s, a, idx.length);
    System.arraycopy(x, a + 1, s, a + idx.length, x.length - a - 1);
    long[] data = val(n, 0);
    long[] iv = val(n, 1);
    long[] v = null;
    if (data != null && iv != null && x.length == 1) {
      v = new long[iv.length];
      for (int i = 0; i < iv.length; i++) {
        v[i] = data[(int) (iv[i] < 0 ? iv[i] + x[0] : iv[i])];
      }
    }
    out(n, 0, s, v);
  }

  private void inferConcat(NodeProto n) {
    long[] first = in(n, 0);
    if (first == null) {
      return;
    }
    int a = axis(attrInt(n, "axis", 0), first.length);
    long[] s = first.clone();
    List<Long> v = new ArrayList<>();
    boolean allValues = true;
    for (int i = 0; i < n.getInputCount(); i++) {
      long[] si = in(n, i);
      if (si == null || si.length != s.length) {
        return;
      }
      if (i > 0) {
        s[a] = s[a] < 0 || si[a] < 0 ? -1 : s[a] + si[a];
      }
      long[] vi = val(n, i);
      if (vi == null) {
        allValues = false;
      } else {
        for (long e : vi) {
          v.add(e);
        }
      }
    }
    out(n, 0, s, allValues ? v.stream().mapToLong(Long::longValue).toArray() : null);
  }

  private void inferReduce(NodeProto n, long[] x, boolean oneAxis) {
    if (x == null) {
      return;
    }
    boolean keep = attrInt(n, "keepdims", 1) == 1;
    long[] axes;
    if (oneAxis) {
      axes = new long[] {attrInt(n, "axis", 0)};
    } else {
      axes = attrInts(n, "axes");
      if (axes == null && n.getInputCount() > 1) {
        axes = val(n, 1);
        if (axes == null) {
          return;
        }
      }
    }
    boolean[] reduced = new boolean[x.length];
    if (axes == null || axes.length == 0) {
      Arrays.fill(reduced, true);
    } else {
      for (long a : axes) {
        reduced[axis(a, x.length)] = true;
      }
    }
    List<Long> s = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      if (!reduced[i]) {
        s.add(x[i]);
      } else if (keep) {
        s.add(1L);
      }
    }
    out(n, 0, s.stream().mapToLong(Long::longValue).toArray(), null);
  }

  private void inferSlice(NodeProto n, long[] x) {
    if (x == null) {
      return;
    }
    long[] starts = attrInts(n, "starts") != null ? attrInts(n, "starts") : val(n, 1);
    long[] ends = attrInts(n, "ends") != null ? attrInts(n, "ends") : val(n, 2);
    long[] axes = attrInts(n, "axes") != null ? attrInts(n, "axes") : val(n, 3);
    long[] steps = val(n, 4);
    if (starts == null || ends == null) {
      return;
    }
    long[] s = x.clone();
    long[] data = val(n, 0);
    long[] v = null;
    for (int i = 0; i < starts.length; i++) {
      int a = axes == null ? i : axis(axes[i], x.length);
      long step = steps == null ? 1 : steps[i];
      long dim = x[a];
      if (dim < 0 || step == 0) {
        s[a] = -1;
        continue;
      }
      long st = clampIndex(starts[i], dim, step);
      long en = clampIndex(ends[i], dim, step);
      long len =
          step > 0
              ? Math.max(0, (en - st + step - 1) / step)
              : Math.max(0, (st - en - step - 1) / -step);
      s[a] = len;
      if (data != null && x.length == 1) {
        v = new long[(int) len];
        for (int j = 0; j < v.length; j++) {
          v[j] = data[(int) (st + j * step)];
        }
      }
    }
    out(n, 0, s, v);
  }

  private static long clampIndex(long i, long dim, long step) {
    if (i < 0) {
      i += dim;
    }
    return step > 0 ? Math.max(0, Math.min(dim, i)) : Math.max(-1, Math.min(dim - 1, i));
  }

  private long[] foldBinary(Op op, NodeProto n) {
    long[] a = val(n, 0);
    long[] b = val(n, 1);
    if (a == null || b == null || n.getInputCount() != 2) {
      return null;
    }
    int len = Math.max(a.length, b.length);
    if (a.length != len && a.length != 1 || b.length != len && b.length != 1) {
      return null;
    }
    long[] r = new long[len];
    for (int i = 0; i < len; i++) {
      long p = a[a.length == 1 ? 0 : i];
      long q = b[b.length == 1 ? 0 : i];
      switch (op) {
        case ADD -> r[i] = p + q;
        case SUB -> r[i] = p - q;
        case MUL -> r[i] = p * q;
        case DIV -> {
          if (q == 0) {
            return null;
          }
          r[i] = p / q;
        }
        case EQUAL -> r[i] = p == q ? 1 : 0;
        case LESS -> r[i] = p < q ? 1 : 0;
        case GREATER -> r[i] = p > q ? 1 : 0;
        case MAX -> r[i] = Math.max(p, q);
        case MIN -> r[i] = Math.min(p, q);
        default -> {
          return null;
        }
      }
    }
    return r;
  }

  static long product(long[] s) {
    long p = 1;
    for (long d : s) {
      p *= d;
    }
    return p;
  }

  static long[] broadcast(long[] a, long[] b) {
    if (a == null || b == null) {
      return null;
    }
    int r = Math.max(a.length, b.length);
    long[] s = new long[r];
    for (int i = 0; i < r; i++) {
      long da = i < r - a.length ? 1 : a[i - (r - a.length)];
      long db = i < r - b.length ? 1 : b[i - (r - b.length)];
      if (da == 1) {
        s[i] = db;
      } else if (db == 1 || da == db) {
        s[i] = da;
      } else if (da < 0 || db < 0) {
        s[i] = -1;
      } else {
        return null;
      }
    }
    return s;
  }

  static long[] matmul(long[] a, long[] b) {
    if (a == null || b == null || a.length == 0 || b.length == 0) {
      return null;
    }
    long[] a2 = a.length == 1 ? new long[] {1, a[0]} : a;
    long[] b2 = b.length == 1 ? new long[] {b[0], 1} : b;
    long[] batch = broadcast(Arrays.copyOf(a2, a2.length - 2), Arrays.copyOf(b2, b2.length - 2));
    if (batch == null) {
      return null;
    }
    List<Long> s = new ArrayList<>();
    for (long d : batch) {
      s.add(d);
    }
    if (a.length > 1) {
      s.add(a2[a2.length - 2]);
    }
    if (b.length > 1) {
      s.add(b2[b2.length - 1]);
    }
    return s.stream().mapToLong(Long::longValue).toArray();
  }

  private static long[] reshape(long[] x, long[] target, boolean allowZero) {
    long[] s = target.clone();
    int infer = -1;
    long known = 1;
    for (int i = 0; i < s.length; i++) {
      if (s[i] == 0 && !allowZero) {
        if (i >= x.length) {
          return null;
        }
        s[i] = x[i];
      }
      if (s[i] == -1) {
        infer = i;
      } else {
        known *= s[i];
      }
    }
    if (infer >= 0) {
      if (!known(x) || known <= 0) {
        return null;
      }
      s[infer] = product(x) / known;
    }
    return s;
  }

  private long[] conv(NodeProto n, long[] x, long[] w) {
    if (!known(x) || !known(w)) {
      return null;
    }
    long[] k = attrInts(n, "kernel_shape");
    if (k == null) {
      k = Arrays.copyOfRange(w, 2, w.length);
    }
    return pool(n, x, k, w[0]);
  }

  private static long[] pool(NodeProto n, long[] x, long[] k, long channels) {
    int sp = k.length;
    long[] strides = attrInts(n, "strides");
    long[] dil = attrInts(n, "dilations");
    long[] pads = attrInts(n, "pads");
    AttributeProto ap = attr(n, "auto_pad");
    String autoPad = ap == null ? "NOTSET" : ap.getS().toStringUtf8();
    boolean ceil = attrInt(n, "ceil_mode", 0) == 1;
    long[] s = new long[2 + sp];
    s[0] = x[0];
    s[1] = channels;
    for (int i = 0; i < sp; i++) {
      long in = x[2 + i];
      long st = strides == null || strides.length == 0 ? 1 : strides[i];
      long d = dil == null || dil.length == 0 ? 1 : dil[i];
      long ek = (k[i] - 1) * d + 1;
      if (autoPad.startsWith("SAME")) {
        s[2 + i] = (in + st - 1) / st;
      } else if (autoPad.equals("VALID")) {
        s[2 + i] = (in - ek) / st + 1;
      } else {
        long pad = pads == null || pads.length == 0 ? 0 : pads[i] + pads[i + sp];
        long num = in + pad - ek;
        s[2 + i] = (ceil ? (num + st - 1) / st : num / st) + 1;
      }
    }
    return s;
  }
}
