package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.compress.Pass;
import dev.infercost.compress.PassContext;
import dev.infercost.compress.PassResult;
import dev.infercost.models.Op;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Folds the Add (or Sub) of a scalar constant {@code b} after a per-tensor DequantizeLinear into
 * the zero points of the quantized Convs that read the sum, so that they read the integer tensor
 * itself: {@code s (q − z) + b} is {@code s (q − z')} with {@code z' = z − round(b / s)} up to a
 * constant {@code δ = b − s · round(b / s)}, at most half a level, which each Conv takes back
 * exactly in its int32 bias ({@code + δ · ΣW} per output channel, at the new input scale). What
 * goes: the float Add and the QuantizeLinear / DequantizeLinear pair around it, and with them the
 * rounding of the sum to a second set of levels and that QuantizeLinear's clamp to the sum's
 * calibrated range (a value beyond it now reaches the Conv as it is, as in fp32). A shift after an
 * activation, as in PP-LCNet's learnable affine blocks, otherwise runs in float between two integer
 * kernels.
 *
 * <p>The sum must be read only by QuantizeLinear → DequantizeLinear → Conv (input 0) with an int8
 * weight (zero point 0) and an int32 or no bias behind their own DequantizeLinear: a reader of any
 * other kind would see the constant shift. Within that range, exact up to the int32 rounding of the
 * bias except where a Conv pads: a padded tap reads {@code δ} where it read 0, so outputs at the
 * border move by at most {@code |δ|} times the padded taps' weights. The fold is skipped where the
 * new zero point leaves the zero point's type or a bias leaves int32.
 */
public final class DqShiftFoldPass implements Pass {
  @Override
  public String name() {
    return "fold-dq-shift";
  }

  @Override
  public boolean idempotent() {
    return true; // a folded DQ's output no longer goes to an Add
  }

  /** One Conv reading the sum: its input DQ and its bias (absent: null) after the fold. */
  private record Reader(NodeProto conv, NodeProto inputDq, int[] bias, float[] biasScale) {}

  @Override
  public PassResult apply(ModelProto model, PassContext ctx) {
    GraphEdit e = new GraphEdit(model.getGraph());
    for (NodeProto dq : model.getGraph().getNodeList()) {
      NodeProto add = Op.DEQUANTIZE_LINEAR.is(dq.getOpType()) ? e.soleReader(dq) : null;
      Float b = add == null ? null : shift(add, dq.getOutput(0), e.init);
      NodeProto q = b == null ? null : e.soleReader(add);
      if (q == null
          || e.init.containsKey(dq.getInput(0))
          || Op.of(q.getOpType()) != Op.QUANTIZE_LINEAR
          || !Op.defaultDomain(q.getDomain())
          || e.pinned.contains(q.getOutput(0))
          || e.replaced.containsKey(dq)) {
        continue;
      }
      Float s = e.scalar(dq, 1);
      ZeroPoint z = ZeroPoint.of(dq, e.init);
      if (s == null || !(s > 0) || z == null) {
        continue;
      }
      long n = Math.round((double) b / s);
      long shifted = z.value() - n;
      if (!z.holds(shifted)) {
        continue;
      }
      double delta = (double) b - (double) s * n;
      List<Reader> convs = convReaders(q, s, delta, e);
      if (convs == null) {
        continue;
      }
      String scale = e.names.fresh(dq.getInput(1), "_shifted");
      String zero = e.names.fresh(dq.getInput(2), "_shifted");
      e.added.add(Initializers.ofFloats(scale, new long[0], new float[] {s}));
      e.added.add(z.initializer(zero, shifted));
      for (Reader r : convs) {
        e.replaced.put(
            r.inputDq(),
            r.inputDq().toBuilder()
                .setInput(0, dq.getInput(0))
                .setInput(1, scale)
                .setInput(2, zero)
                .build());
        if (r.bias() != null) {
          biasFor(r, e);
        }
      }
      e.dropped.addAll(List.of(dq, add, q));
      e.rewritten.add(Ops.label(add));
    }
    return e.result(name(), model);
  }

  /** What {@code n} adds to {@code x}: {@code x + c} or {@code x − c}, c scalar; else null. */
  static Float shift(NodeProto n, String x, Map<String, TensorProto> init) {
    Op op = Op.of(n.getOpType());
    if (n.getInputCount() != 2 || n.getInput(0).equals(n.getInput(1))) {
      return null;
    }
    if (op == Op.ADD) {
      return Initializers.scalarInput(n, n.getInput(0).equals(x) ? 1 : 0, init);
    }
    Float c = op == Op.SUB && n.getInput(0).equals(x) ? Initializers.scalarInput(n, 1, init) : null;
    return c == null ? null : -c;
  }

  /**
   * The Convs reading {@code q}'s output through DequantizeLinear, each with its int32 bias moved
   * to input scale {@code s} and corrected by {@code δ · ΣW}; null when any reader is of another
   * kind or a bias would not fit int32.
   */
  private static List<Reader> convReaders(NodeProto q, float s, double delta, GraphEdit e) {
    List<Reader> out = new ArrayList<>();
    for (NodeProto dq : e.readers.getOrDefault(q.getOutput(0), List.of())) {
      Float s2 = e.scalar(dq, 1);
      List<NodeProto> convs = e.readers.getOrDefault(dq.getOutput(0), List.of());
      if (Op.of(dq.getOpType()) != Op.DEQUANTIZE_LINEAR
          || !Op.defaultDomain(dq.getDomain())
          || !dq.getInput(0).equals(q.getOutput(0))
          || dq.getInputCount() < 3
          || s2 == null
          || e.pinned.contains(dq.getOutput(0))
          || convs.isEmpty()) {
        return null;
      }
      for (NodeProto conv : convs) {
        Reader r = corrected(conv, dq, s, delta, e);
        if (r == null) {
          return null;
        }
        out.add(r);
      }
    }
    return out.isEmpty() ? null : out;
  }

  /**
   * {@code conv}'s bias at input scale {@code s} plus {@code δ · ΣW} per output channel, as int32;
   * null when {@code conv} is not a default-domain Conv reading {@code dq} at input 0 only, with an
   * int8 weight behind a DequantizeLinear of its own kind, or the bias does not fit.
   */
  private static Reader corrected(
      NodeProto conv, NodeProto dq, float s, double delta, GraphEdit e) {
    Map<String, TensorProto> init = e.init;
    String x = dq.getOutput(0);
    if (Op.of(conv.getOpType()) != Op.CONV
        || !Op.defaultDomain(conv.getDomain())
        || conv.getInputCount() < 2
        || !conv.getInput(0).equals(x)
        || conv.getInputList().stream().skip(1).anyMatch(x::equals)) {
      return null;
    }
    NodeProto wdq = e.producers.get(conv.getInput(1));
    int[] w = constantBehindDq(wdq, init, TensorProto.DataType.INT8);
    float[] ws = w == null ? null : scalesBehindDq(wdq, init);
    long[] dims = w == null ? null : Initializers.dims(init.get(wdq.getInput(0)));
    if (ws == null || dims.length < 3) {
      return null;
    }
    int channels = (int) dims[0];
    if (ws.length != 1 && ws.length != channels) {
      return null;
    }
    double[] bias = new double[channels];
    boolean hasBias = conv.getInputCount() > 2 && !conv.getInput(2).isEmpty();
    if (hasBias) {
      NodeProto bdq = e.producers.get(conv.getInput(2));
      int[] bq = constantBehindDq(bdq, init, TensorProto.DataType.INT32);
      float[] bs = bq == null ? null : scalesBehindDq(bdq, init);
      if (bq == null
          || bs == null
          || bq.length != channels
          || (bs.length != 1 && bs.length != channels)
          || e.readers.get(bdq.getOutput(0)).size() != 1) {
        return null;
      }
      for (int o = 0; o < channels; o++) {
        bias[o] = (double) bs[bs.length == 1 ? 0 : o] * bq[o];
      }
    }
    int per = w.length / channels;
    int[] bq = new int[channels];
    float[] bs = new float[channels];
    for (int o = 0; o < channels; o++) {
      long sum = 0;
      for (int i = o * per; i < (o + 1) * per; i++) {
        sum += w[i];
      }
      double sw = ws[ws.length == 1 ? 0 : o];
      bs[o] = (float) (s * sw);
      double v = Math.rint((bias[o] + delta * sw * sum) / bs[o]);
      if (!(Math.abs(v) <= Integer.MAX_VALUE)) {
        return null;
      }
      bq[o] = (int) v;
    }
    return new Reader(conv, dq, hasBias || delta != 0 ? bq : null, bs);
  }

  /**
   * Gives {@code r.conv()} its new int32 bias: the DequantizeLinear of its old bias rewritten to
   * read new initializers, or a new one placed before the Conv.
   */
  private static void biasFor(Reader r, GraphEdit e) {
    Names names = e.names;
    boolean has = r.conv().getInputCount() > 2 && !r.conv().getInput(2).isEmpty();
    String base = has ? r.conv().getInput(2) : r.conv().getName() + "_bias";
    String values = names.fresh(base, "_shifted_quantized");
    String scale = names.fresh(base, "_shifted_scale");
    ByteBuffer raw = ByteBuffer.allocate(r.bias().length * 4).order(ByteOrder.LITTLE_ENDIAN);
    raw.asIntBuffer().put(r.bias());
    e.added.add(
        Initializers.ofBytes(
            values, TensorProto.DataType.INT32, new long[] {r.bias().length}, raw.array()));
    e.added.add(Initializers.ofFloats(scale, new long[] {r.biasScale().length}, r.biasScale()));
    if (has) {
      NodeProto bdq = e.producers.get(r.conv().getInput(2));
      NodeProto.Builder nb = bdq.toBuilder().clearInput().addInput(values).addInput(scale);
      nb.clearAttribute().addAttribute(Ops.intAttribute("axis", 0));
      e.replaced.put(bdq, nb.build());
      return;
    }
    String dequantized = names.fresh(base, "_dequantized");
    e.before.put(
        r.conv(),
        Op.DEQUANTIZE_LINEAR
            .node(names.fresh(base, "_DequantizeLinear"))
            .addInput(values)
            .addInput(scale)
            .addOutput(dequantized)
            .addAttribute(Ops.intAttribute("axis", 0))
            .build());
    NodeProto conv = e.replaced.getOrDefault(r.conv(), r.conv());
    NodeProto.Builder cb = conv.toBuilder();
    while (cb.getInputCount() < 2) {
      cb.addInput("");
    }
    if (cb.getInputCount() == 2) {
      cb.addInput(dequantized);
    } else {
      cb.setInput(2, dequantized);
    }
    e.replaced.put(r.conv(), cb.build());
  }

  /**
   * The values of a default-domain DequantizeLinear's constant input of {@code type}, with a zero
   * point of 0 (or none); null otherwise.
   */
  private static int[] constantBehindDq(
      NodeProto dq, Map<String, TensorProto> init, TensorProto.DataType type) {
    if (dq == null
        || Op.of(dq.getOpType()) != Op.DEQUANTIZE_LINEAR
        || !Op.defaultDomain(dq.getDomain())) {
      return null;
    }
    TensorProto v = init.get(dq.getInput(0));
    if (v == null || v.getDataType() != type.getNumber() || !v.hasRawData()) {
      return null;
    }
    if (dq.getInputCount() > 2 && !dq.getInput(2).isEmpty()) {
      TensorProto zp = init.get(dq.getInput(2));
      if (zp == null || !zp.hasRawData() || zp.getRawData().toByteArray().length == 0) {
        return null;
      }
      for (byte x : zp.getRawData().toByteArray()) {
        if (x != 0) {
          return null;
        }
      }
    }
    ByteBuffer raw = v.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    int[] out = new int[type == TensorProto.DataType.INT8 ? raw.remaining() : raw.remaining() / 4];
    for (int i = 0; i < out.length; i++) {
      out[i] = type == TensorProto.DataType.INT8 ? raw.get() : raw.getInt();
    }
    return out;
  }

  /** The scales of a DequantizeLinear along axis 0 (or one scale), or null. */
  private static float[] scalesBehindDq(NodeProto dq, Map<String, TensorProto> init) {
    TensorProto t = init.get(dq.getInput(1));
    float[] v = t == null ? null : Initializers.floats(t);
    if (v == null || v.length == 0 || v.length > 1 && Ops.intAttr(dq, "axis", 1) != 0) {
      return null;
    }
    for (float x : v) {
      if (!(x > 0) || !Float.isFinite(x)) {
        return null;
      }
    }
    return v;
  }
}
