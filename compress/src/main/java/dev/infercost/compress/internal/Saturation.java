package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.models.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where a tensor's readers stop depending on it: the interval {@code [lo, hi]} outside which every
 * value computed from the tensor is the same as at the interval's end. Clamping the tensor to it
 * changes no result, so an int8 range needs to cover only that interval. A hard-swish written out
 * as {@code x · Clip(x + 3, 0, 6) / 6} reads nothing below {@code x = −3}, a HardSigmoid nothing
 * outside its linear part; a Conv writing such a tensor otherwise spends most of its uint8 levels
 * on negative values that all come out as 0.
 *
 * <p>The readers are followed forward through elementwise ops (Relu, Clip, HardSigmoid, HardSwish,
 * Identity, Add / Sub / Mul / Div, and Max / Min with a constant: tf2onnx's Relu6), tracking each
 * value as a function of the tensor: affine while only scalar constants are added or multiplied,
 * and constant beyond the points where a clamp saturates. A product with a factor that is 0 beyond
 * a point is 0 there too, whatever the other factor. Any other reader, or a graph output, must see
 * the tensor where it is not constant.
 */
public final class Saturation {
  private final List<NodeProto> nodes;
  private final long opset;
  private final Map<String, TensorProto> init;
  private final Set<String> outputs = new HashSet<>();

  /** Per tensor, the positions in {@link #nodes} of the nodes reading it. */
  private final Map<String, List<Integer>> readers = new HashMap<>();

  private final Map<String, double[]> intervals = new HashMap<>();

  public Saturation(GraphProto g, Map<String, TensorProto> init, long opset) {
    this.nodes = g.getNodeList();
    this.opset = opset;
    this.init = init;
    g.getOutputList().forEach(o -> outputs.add(o.getName()));
    for (int i = 0; i < nodes.size(); i++) {
      for (String in : nodes.get(i).getInputList()) {
        readers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
      }
    }
  }

  /**
   * A value as a function of the tensor {@code t}: {@code a·t + b} where {@code affine}, and
   * constant for {@code t ≤ lo} and for {@code t ≥ hi} (0 there where {@code zeroLo} / {@code
   * zeroHi}).
   */
  private record Fn(
      boolean affine, double a, double b, double lo, boolean zeroLo, double hi, boolean zeroHi) {
    static final Fn IDENTITY =
        new Fn(true, 1, 0, Double.NEGATIVE_INFINITY, false, Double.POSITIVE_INFINITY, false);

    Fn plus(double c) {
      return new Fn(affine, a, b + c, lo, zeroLo && c == 0, hi, zeroHi && c == 0);
    }

    Fn times(double k) {
      return new Fn(affine, a * k, b * k, lo, zeroLo, hi, zeroHi);
    }

    /** The same flat regions, no longer affine, zero only where {@code keepZero}. */
    Fn opaque(boolean keepZero) {
      return new Fn(false, 0, 0, lo, zeroLo && keepZero, hi, zeroHi && keepZero);
    }

    Fn clip(double l, double h) {
      double lo2 = lo;
      double hi2 = hi;
      boolean zl = zeroLo && l <= 0 && 0 <= h;
      boolean zh = zeroHi && l <= 0 && 0 <= h;
      if (affine && a != 0) {
        // Where a·t + b reaches l and h; with a < 0 the low clamp is hit at large t.
        double tl = (l - b) / a;
        double th = (h - b) / a;
        double below = a > 0 ? tl : th;
        double above = a > 0 ? th : tl;
        double belowValue = a > 0 ? l : h;
        double aboveValue = a > 0 ? h : l;
        if (Double.isFinite(belowValue) && below > lo2) {
          lo2 = below;
          zl = belowValue == 0;
        }
        if (Double.isFinite(aboveValue) && above < hi2) {
          hi2 = above;
          zh = aboveValue == 0;
        }
      }
      return new Fn(affine, a, b, lo2, zl, hi2, zh);
    }

    /** The sum or difference of two values computed from the tensor. */
    static Fn sum(Fn x, Fn y) {
      return new Fn(
          false,
          0,
          0,
          Math.min(x.lo, y.lo),
          x.zeroLo && y.zeroLo,
          Math.max(x.hi, y.hi),
          x.zeroHi && y.zeroHi);
    }

    /** The product of two values computed from the tensor: 0 wherever either factor is. */
    static Fn product(Fn x, Fn y) {
      double lo = Math.min(x.lo, y.lo);
      boolean zl = x.zeroLo || y.zeroLo;
      if (x.zeroLo && x.lo > lo) {
        lo = x.lo;
      }
      if (y.zeroLo && y.lo > lo) {
        lo = y.lo;
      }
      double hi = Math.max(x.hi, y.hi);
      boolean zh = x.zeroHi || y.zeroHi;
      if (x.zeroHi && x.hi < hi) {
        hi = x.hi;
      }
      if (y.zeroHi && y.hi < hi) {
        hi = y.hi;
      }
      return new Fn(false, 0, 0, lo, zl, hi, zh);
    }
  }

  /**
   * {@code {lo, hi}}: clamping {@code t} to it changes no value computed from {@code t}; infinite
   * where a reader sees all of it. Worked out once per tensor.
   */
  public double[] interval(String t) {
    return intervals.computeIfAbsent(t, this::follow);
  }

  /**
   * Follows {@code t}'s readers in graph order (topological, so every input computed from {@code t}
   * is known before its reader), visiting only the nodes that read such a value.
   */
  private double[] follow(String t) {
    Map<String, Fn> fns = new HashMap<>();
    fns.put(t, Fn.IDENTITY);
    TreeSet<Integer> pending = new TreeSet<>(readers.getOrDefault(t, List.of()));
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Integer i = pending.pollFirst(); i != null; i = pending.pollFirst()) {
      NodeProto n = nodes.get(i);
      Fn f = apply(n, fns);
      if (f != null) {
        fns.put(n.getOutput(0), f);
        pending.addAll(readers.getOrDefault(n.getOutput(0), List.of()));
        continue;
      }
      for (String in : n.getInputList()) {
        Fn seen = fns.get(in);
        if (seen != null) {
          lo = Math.min(lo, seen.lo);
          hi = Math.max(hi, seen.hi);
        }
      }
    }
    for (String o : outputs) {
      Fn seen = fns.get(o);
      if (seen != null) {
        lo = Math.min(lo, seen.lo);
        hi = Math.max(hi, seen.hi);
      }
    }
    return lo <= hi
        ? new double[] {lo, hi}
        : new double[] {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
  }

  /** {@code n}'s output as a function of the tensor, or null when {@code n} must see its input. */
  private Fn apply(NodeProto n, Map<String, Fn> fns) {
    Op op = Op.of(n.getOpType());
    if (op == null || !Op.defaultDomain(n.getDomain()) || n.getOutputCount() != 1) {
      return null;
    }
    Fn x = fns.get(n.getInput(0));
    return switch (op) {
      case IDENTITY -> x;
      case RELU -> x == null ? null : x.clip(0, Double.POSITIVE_INFINITY);
      case CLIP -> {
        float[] b = clipBounds(n, init, opset);
        yield x == null || b == null ? null : x.clip(unbounded(b[0]), unbounded(b[1]));
      }
      case HARD_SIGMOID ->
          x == null
              ? null
              : hardSigmoid(x, Ops.floatAttr(n, "alpha", 0.2f), Ops.floatAttr(n, "beta", 0.5f));
      case HARD_SWISH -> x == null ? null : Fn.product(x, hardSigmoid(x, 1 / 6.0, 0.5));
      case ADD, SUB, MUL, DIV, MAX, MIN -> binary(op, n, fns);
      default -> null;
    };
  }

  /** ±{@code Float.MAX_VALUE}, a Clip's default bound, as an infinity. */
  private static double unbounded(float v) {
    return Math.abs(v) == Float.MAX_VALUE ? Math.signum(v) * Double.POSITIVE_INFINITY : v;
  }

  private static Fn hardSigmoid(Fn x, double alpha, double beta) {
    return x.times(alpha).plus(beta).clip(0, 1);
  }

  private Fn binary(Op op, NodeProto n, Map<String, Fn> fns) {
    if (n.getInputCount() != 2) {
      return null;
    }
    Fn x = fns.get(n.getInput(0));
    Fn y = fns.get(n.getInput(1));
    if (x != null && y != null) {
      return switch (op) {
        case ADD, SUB -> Fn.sum(x, y);
        case MUL -> Fn.product(x, y);
        default -> null; // a quotient by a value that may reach 0; Max, Min of two
      };
    }
    boolean first = x != null;
    Fn f = first ? x : y;
    Double c = scalar(n.getInput(first ? 1 : 0));
    if (c == null) {
      // Another tensor: still constant where f is; 0 stays 0 only under Mul, or Div of f.
      return op == Op.DIV && !first || op == Op.MAX || op == Op.MIN
          ? null
          : f.opaque(op == Op.MUL || op == Op.DIV);
    }
    return switch (op) {
      case MAX -> f.clip(c, Double.POSITIVE_INFINITY);
      case MIN -> f.clip(Double.NEGATIVE_INFINITY, c);
      case ADD -> f.plus(c);
      case SUB -> first ? f.plus(-c) : f.times(-1).plus(c);
      case MUL -> f.times(c);
      case DIV -> first && c != 0 ? f.times(1 / c) : null;
      default -> null;
    };
  }

  /** The value of a one-element float constant, or null. */
  private Double scalar(String name) {
    Float v = Initializers.scalar(init.get(name));
    return v == null ? null : (double) v;
  }

  /** The Clip's constant bounds (attributes before opset 11, inputs after), or null. */
  static float[] clipBounds(NodeProto clip, Map<String, TensorProto> init, long opset) {
    if (opset < 11) {
      return new float[] {
        Ops.floatAttr(clip, "min", -Float.MAX_VALUE), Ops.floatAttr(clip, "max", Float.MAX_VALUE)
      };
    }
    float[] bounds = {-Float.MAX_VALUE, Float.MAX_VALUE};
    for (int i = 1; i <= 2 && i < clip.getInputCount(); i++) {
      String b = clip.getInput(i);
      if (b.isEmpty()) {
        continue;
      }
      Float v = Initializers.scalar(init.get(b));
      if (v == null) {
        return null;
      }
      bounds[i - 1] = v;
    }
    return bounds;
  }
}
