package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.compress.Pass;
import dev.infercost.compress.PassContext;
import dev.infercost.compress.PassResult;
import dev.infercost.models.Op;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs {@code Clip(x + c, lo, hi)} on the integer tensor: {@code DQ(q; s, z) → Add(c) → Clip(lo,
 * hi) → Q} becomes a Clip of {@code q} itself between {@code z' + lo / s} and {@code z' + hi / s},
 * read at scale {@code s} and zero point {@code z' = z − c / s}, when {@code c / s} and the bounds
 * that fall inside the type's range are whole numbers of levels. The hard-swish written out as
 * {@code x · Clip(x + 3, 0, 6) / 6} otherwise runs its {@code Clip(x + 3, 0, 6)} in float between
 * the Conv and the integer product, four passes over the tensor. {@code int8-static} puts the grid
 * of such a tensor on those points ({@link #snap}); this pass checks them itself and is exact (one
 * rounding fewer than the requantization it replaces).
 */
public final class DqClipFoldPass implements Pass {
  /** How far from a whole number of levels a point may be and still count as on the grid. */
  private static final double ON_GRID = 1e-3;

  @Override
  public String name() {
    return "fold-dq-clip";
  }

  @Override
  public boolean idempotent() {
    return true; // a folded Clip reads the integer tensor, not a DequantizeLinear
  }

  /**
   * {c, lo, hi} when {@code add} is {@code x + c} or {@code x − c} (c scalar) and its only reader
   * is a Clip with constant bounds, {@code clip}; null otherwise.
   */
  static float[] shiftedClip(
      NodeProto add, String x, NodeProto clip, Map<String, TensorProto> init, long opset) {
    Float c = DqShiftFoldPass.shift(add, x, init);
    if (c == null
        || Op.of(clip.getOpType()) != Op.CLIP
        || !Op.defaultDomain(clip.getDomain())
        || !clip.getInput(0).equals(add.getOutput(0))) {
      return null;
    }
    float[] b = Saturation.clipBounds(clip, init, opset);
    return b == null ? null : new float[] {c, b[0], b[1]};
  }

  /**
   * uint8 {scale, zero point} for {@code [lo, hi]} with the points a shifted Clip of the tensor
   * needs ({@code c} and the bounds in the tensor's terms, {@code lo − c} and {@code hi − c}, those
   * inside the range) on the grid: the scale is the smallest of them divided by the next whole
   * number of levels at or above the calibrated scale's, so the step is never coarser than
   * calibrated and the top of the range gives up at most one level in {@code n + 1}. Null when the
   * points are not whole multiples of that step (the Clip then runs in float).
   */
  public static float[] snap(float[] shiftedClip, float lo, float hi) {
    float[] plain = Histogram.uint8(lo, hi);
    float c = shiftedClip[0];
    List<Double> points = new ArrayList<>(List.of((double) Math.abs(c)));
    for (int i = 1; i <= 2; i++) {
      double p = shiftedClip[i] - c;
      if (p > plain[0] * -plain[1] && p < plain[0] * (Histogram.LEVELS - plain[1])) {
        points.add(Math.abs(p));
      }
    }
    points.removeIf(p -> p == 0);
    if (points.isEmpty()) {
      return null;
    }
    double p = Collections.min(points);
    double step = p / Math.ceil(p / plain[0]);
    for (double other : points) {
      double n = other / step;
      if (Math.abs(n - Math.rint(n)) > ON_GRID) {
        return null;
      }
    }
    long zp = Math.max(0, Math.min(Histogram.LEVELS, Math.round(-Math.min(lo, 0) / step)));
    return new float[] {(float) step, zp};
  }

  @Override
  public PassResult apply(ModelProto model, PassContext ctx) {
    GraphProto g = model.getGraph();
    long opset = OpsetUpgrade.opset(model);
    if (opset < 12) {
      return new PassResult(name(), model, List.of(), List.of()); // Clip takes uint8 from 12
    }
    Map<String, TensorProto> init = Graphs.initializers(g);
    Map<String, List<NodeProto>> readers = Graphs.readerNodes(g);
    Set<String> outputs = Graphs.outputs(g);
    Names names = new Names(g);
    Map<NodeProto, NodeProto> replaced = new IdentityHashMap<>();
    Set<NodeProto> dropped = Collections.newSetFromMap(new IdentityHashMap<>());
    List<TensorProto> added = new ArrayList<>();
    List<String> rewritten = new ArrayList<>();
    for (NodeProto dq : g.getNodeList()) {
      NodeProto add = DqShiftFoldPass.soleReader(dq, Op.DEQUANTIZE_LINEAR, readers, outputs);
      NodeProto clip =
          add == null
              ? null
              : DqShiftFoldPass.soleReader(add, Op.of(add.getOpType()), readers, outputs);
      NodeProto q =
          clip == null ? null : DqShiftFoldPass.soleReader(clip, Op.CLIP, readers, outputs);
      float[] cb = q == null ? null : shiftedClip(add, dq.getOutput(0), clip, init, opset);
      Float s = cb == null ? null : DqScaleFoldPass.scalar(dq, 1, init);
      int[] z = dq.getInputCount() > 2 ? DqShiftFoldPass.zeroPoint(init.get(dq.getInput(2))) : null;
      Float s3 = q == null ? null : DqScaleFoldPass.scalar(q, 1, init);
      if (s == null
          || !(s > 0)
          || z == null
          || s3 == null
          || Op.of(q.getOpType()) != Op.QUANTIZE_LINEAR
          || init.containsKey(dq.getInput(0))) {
        continue;
      }
      long zo = levels(-cb[0], s, z[0], Long.MIN_VALUE, Long.MAX_VALUE);
      long qmin = levels(cb[1], s, zo, z[1], z[2]);
      long qmax = levels(cb[2], s, zo, z[1], z[2]);
      List<NodeProto> dqs = readers.getOrDefault(q.getOutput(0), List.of());
      if (zo < z[1]
          || zo > z[2]
          || qmin == Long.MIN_VALUE
          || qmax == Long.MIN_VALUE
          || dqs.isEmpty()
          || outputs.contains(q.getOutput(0))
          || !dqs.stream().allMatch(r -> rescalable(r, q, init))) {
        continue;
      }
      TensorProto.DataType type =
          TensorProto.DataType.forNumber(init.get(dq.getInput(2)).getDataType());
      String lower = names.fresh(clip.getName(), "_min_level");
      String upper = names.fresh(clip.getName(), "_max_level");
      String zero = names.fresh(clip.getName(), "_zero_point");
      added.add(Initializers.ofBytes(lower, type, new long[0], new byte[] {(byte) qmin}));
      added.add(Initializers.ofBytes(upper, type, new long[0], new byte[] {(byte) qmax}));
      added.add(Initializers.ofBytes(zero, type, new long[0], new byte[] {(byte) zo}));
      replaced.put(
          q,
          clip.toBuilder()
              .clearInput()
              .addInput(dq.getInput(0))
              .addInput(lower)
              .addInput(upper)
              .clearAttribute()
              .setOutput(0, q.getOutput(0))
              .build());
      for (NodeProto r : dqs) {
        float k = DqScaleFoldPass.scalar(r, 1, init) / s3;
        String scale = names.fresh(r.getInput(1), "_clipped");
        added.add(Initializers.ofFloats(scale, new long[0], new float[] {s * k}));
        replaced.put(r, r.toBuilder().setInput(1, scale).setInput(2, zero).build());
      }
      dropped.addAll(List.of(dq, add, clip));
      rewritten.add(Ops.label(add) + "+" + Ops.label(clip));
    }
    if (rewritten.isEmpty()) {
      return new PassResult(name(), model, List.of(), List.of());
    }
    ModelProto m = Graphs.rebuilt(model, added, dropped, replaced, Map.of());
    return new PassResult(name(), m, rewritten, List.of());
  }

  /**
   * The level {@code zero + v / s} when it is a whole number, the type's bound when it lies beyond
   * it (nothing to clip there), or {@code Long.MIN_VALUE} when it falls between levels.
   */
  private static long levels(double v, double s, long zero, long min, long max) {
    double at = zero + v / s;
    if (at <= min) {
      return min;
    }
    if (at >= max) {
      return max;
    }
    return Math.abs(at - Math.rint(at)) <= ON_GRID ? (long) Math.rint(at) : Long.MIN_VALUE;
  }

  /** Whether {@code r} is a per-tensor DequantizeLinear of {@code q}'s output at its zero point. */
  private static boolean rescalable(NodeProto r, NodeProto q, Map<String, TensorProto> init) {
    if (Op.of(r.getOpType()) != Op.DEQUANTIZE_LINEAR
        || !Op.defaultDomain(r.getDomain())
        || r.getInputCount() < 3
        || !r.getInput(0).equals(q.getOutput(0))
        || DqScaleFoldPass.scalar(r, 1, init) == null
        || q.getInputCount() < 3) {
      return false;
    }
    TensorProto a = init.get(r.getInput(2));
    TensorProto b = init.get(q.getInput(2));
    return a != null
        && b != null
        && a.getRawData().equals(b.getRawData())
        && a.getDataType() == b.getDataType();
  }
}
