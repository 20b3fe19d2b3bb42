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
import java.util.List;
import java.util.Map;

/**
 * Runs {@code Clip(x + c, lo, hi)} on the integer tensor: {@code DQ(q; s, z) → Add(c) → Clip(lo,
 * hi) → Q} becomes a Clip of {@code q} itself between {@code z' + lo / s} and {@code z' + hi / s},
 * read at scale {@code s} and zero point {@code z' = z − c / s}, when {@code c / s} and the bounds
 * that fall inside the type's range are whole numbers of levels. The hard-swish written out as
 * {@code x · Clip(x + 3, 0, 6) / 6} otherwise runs its {@code Clip(x + 3, 0, 6)} in float between
 * the Conv and the integer product, four passes over the tensor. {@code int8-static} puts the grid
 * of such a tensor on those points ({@link #snap}); this pass checks them itself. Exact for values
 * inside the removed QuantizeLinear's range (one rounding fewer than the requantization it
 * replaces); a Clip output beyond that range, which it clamped, now passes as in fp32.
 */
public final class DqClipFoldPass implements Pass {
  /** How far from a whole number of levels a point may be and still count as on the grid. */
  private static final double ON_GRID = 1e-3;

  /**
   * The fewest levels a snapped step puts between 0 and the nearest point: the range then gives up
   * at most one part in 9.
   */
  private static final int MIN_LEVELS = 8;

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
   * calibrated and the top of the range gives up at most one part in {@code n + 1}. Null when that
   * is fewer than {@value #MIN_LEVELS} levels, or the points are not whole multiples of that step
   * (the Clip then runs in float).
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
    double n = Math.ceil(p / plain[0]);
    if (n < MIN_LEVELS) {
      return null; // a finer step would give up too much of the range
    }
    double step = p / n;
    for (double other : points) {
      double k = other / step;
      if (Math.abs(k - Math.rint(k)) > ON_GRID) {
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
    GraphEdit e = new GraphEdit(g);
    Map<String, TensorProto> init = e.init;
    for (NodeProto dq : g.getNodeList()) {
      NodeProto add = Op.DEQUANTIZE_LINEAR.is(dq.getOpType()) ? e.soleReader(dq) : null;
      NodeProto clip = add == null ? null : e.soleReader(add);
      NodeProto q = clip == null ? null : e.soleReader(clip);
      float[] cb = q == null ? null : shiftedClip(add, dq.getOutput(0), clip, init, opset);
      if (cb == null || !e.foldable(dq, q)) {
        continue;
      }
      float s = e.scalar(dq, 1);
      ZeroPoint z = ZeroPoint.of(dq, init);
      long zo = level(-cb[0], s, z.value(), Long.MIN_VALUE, Long.MAX_VALUE);
      long qmin = level(cb[1], s, zo, z.lowest(), Long.MAX_VALUE);
      long qmax = level(cb[2], s, zo, Long.MIN_VALUE, z.highest());
      if (!z.holds(zo)
          || qmin == Long.MIN_VALUE
          || qmax == Long.MIN_VALUE
          || qmin > z.highest()
          || qmax < z.lowest()) {
        continue;
      }
      String lower = e.names.fresh(clip.getName(), "_min_level");
      String upper = e.names.fresh(clip.getName(), "_max_level");
      String zero = e.names.fresh(clip.getName(), "_zero_point");
      e.added.add(z.initializer(lower, qmin));
      e.added.add(z.initializer(upper, qmax));
      e.added.add(z.initializer(zero, zo));
      e.replaced.put(
          q,
          clip.toBuilder()
              .clearInput()
              .addInput(dq.getInput(0))
              .addInput(lower)
              .addInput(upper)
              .clearAttribute()
              .setOutput(0, q.getOutput(0))
              .build());
      e.readAt(q, s, zero, "_clipped");
      e.dropped.addAll(List.of(dq, add, clip));
      e.rewritten.add(Ops.label(add) + "+" + Ops.label(clip));
    }
    return e.result(name(), model);
  }

  /**
   * The level {@code zero + v / s} when it is a whole number; {@code floor} when it lies at or
   * below {@code floor} and {@code ceiling} when at or above {@code ceiling} (a lower bound below
   * the type's range clips nothing: pass the type's lowest level as {@code floor}, and its highest
   * as {@code ceiling} for an upper bound; {@code Long.MIN_VALUE} / {@code Long.MAX_VALUE} for no
   * such side); else {@code Long.MIN_VALUE}: between levels, or a bound past the other end of the
   * range, where the Clip's output is a constant the integers cannot hold.
   */
  static long level(double v, double s, long zero, long floor, long ceiling) {
    double at = zero + v / s;
    if (floor != Long.MIN_VALUE && at <= floor) {
      return floor;
    }
    if (ceiling != Long.MAX_VALUE && at >= ceiling) {
      return ceiling;
    }
    if (Math.abs(at) > 1 << 30) {
      return Long.MIN_VALUE;
    }
    return Math.abs(at - Math.rint(at)) <= ON_GRID ? (long) Math.rint(at) : Long.MIN_VALUE;
  }
}
