package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.models.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Moves a model's default-domain opset from 11 or 12 to 13, the first with per-axis {@code
 * QuantizeLinear}/{@code DequantizeLinear}. Rewrites the operators whose signature or meaning
 * changed on the way, so that the model computes the same:
 *
 * <ul>
 *   <li>{@code Unsqueeze}, {@code Squeeze}, {@code ReduceSum}: the {@code axes} attribute becomes
 *       an int64 input; {@code Split}: the {@code split} attribute becomes an input;
 *   <li>{@code Softmax}, {@code LogSoftmax}, {@code Hardmax}: before 13 they flatten the input to
 *       2-D at {@code axis} and normalize over everything after it; from 13 over {@code axis}
 *       alone. Both agree on the last axis, which becomes {@code axis = -1} where the input's rank
 *       is known; any other axis becomes {@code Flatten(axis)} → op over axis 1 → {@code Reshape}
 *       to the input's shape, exact whatever the rank;
 *   <li>{@code Dropout}: the {@code ratio} attribute (an input from 12) is dropped; inference
 *       ignores it.
 * </ul>
 *
 * From opsets 7 to 10 it first makes the rewrites that opsets 10 and 11 need:
 *
 * <ul>
 *   <li>{@code Slice} (before 10): {@code starts}, {@code ends}, {@code axes} attributes become
 *       int64 inputs; {@code TopK} (before 10): {@code k} becomes an input;
 *   <li>{@code Clip} (before 11): float {@code min}/{@code max} attributes become scalar inputs;
 *       {@code Pad} (before 11): {@code pads} becomes an input and a float {@code value} the
 *       constant-value input;
 *   <li>{@code BatchNormalization} (before 9): {@code spatial = 1} is dropped (the only meaning
 *       from 9); {@code Scatter} becomes {@code ScatterElements}, its replacement from 11;
 *   <li>{@code Resize} (10) and {@code Upsample}: {@code Resize} with an empty roi and asymmetric
 *       coordinates, the same as ONNX Runtime computes them: linear exactly; nearest rounds down
 *       when every constant scale is at least 1 and up when every one is at most 1.
 * </ul>
 *
 * Refused, with the node named: graphs with subgraphs ({@code If}, {@code Loop}, {@code Scan}),
 * opsets below 7, nearest {@code Resize}/{@code Upsample} before 11 with scales not constant or on
 * both sides of 1, {@code Resize} with the {@code tf_half_pixel_for_nn} mode that opset 13 removed,
 * {@code BatchNormalization} with {@code spatial = 0}, and {@code Clip}/{@code Pad} attributes on
 * non-float32 data.
 */
public final class OpsetUpgrade {
  public static final long TARGET = 13;

  private OpsetUpgrade() {}

  /**
   * The outcome: the upgraded model, or why not.
   *
   * @param model the model at opset 13 (the input itself when it already was), or {@code null}
   * @param refused why the model was not upgraded, or {@code null}
   * @param changes what the upgrade rewrote, e.g. {@code "51 Unsqueeze, 6 Softmax"}, or empty
   */
  public record Outcome(ModelProto model, String refused, String changes) {}

  /** The default-domain opset of {@code m}, or 0 when it imports none. */
  public static long opset(ModelProto m) {
    for (OperatorSetIdProto o : m.getOpsetImportList()) {
      if (Op.defaultDomain(o.getDomain())) {
        return o.getVersion();
      }
    }
    return 0;
  }

  /** {@link #to13(ModelProto, Function)} without shapes: every Softmax axis but -1 is wrapped. */
  public static Outcome to13(ModelProto m) {
    return to13(m, v -> null);
  }

  /**
   * Upgrades {@code m}; {@code shapes} gives a value's inferred shape (or {@code null}), so that a
   * Softmax-family op whose axis is its input's last becomes {@code axis = -1} instead of being
   * wrapped in Flatten/Reshape.
   */
  public static Outcome to13(ModelProto m, Function<String, long[]> shapes) {
    long from = opset(m);
    if (from >= TARGET) {
      return new Outcome(m, null, "");
    }
    if (from < 7) {
      return new Outcome(null, "opset " + from + " is below 7", "");
    }
    GraphProto g = m.getGraph();
    Map<String, Integer> types = ElemTypes.infer(g, true);
    Map<String, TensorProto> init = Graphs.initializers(g);
    for (NodeProto n : g.getNodeList()) {
      String why =
          from < 11 && Op.defaultDomain(n.getDomain()) ? earlyRefusal(n, from, types, init) : null;
      if (why != null) {
        return new Outcome(null, "node " + Ops.label(n) + ": " + why, "");
      }
      if (n.getAttributeList().stream().anyMatch(a -> a.hasG() || a.getGraphsCount() > 0)) {
        return new Outcome(null, "node " + n.getName() + " has a subgraph", "");
      }
      boolean tfNearest =
          Op.RESIZE.is(n.getOpType())
              && n.getAttributeList().stream()
                  .anyMatch(
                      a ->
                          a.getName().equals("coordinate_transformation_mode")
                              && a.getS().toStringUtf8().equals("tf_half_pixel_for_nn"));
      if (tfNearest) {
        return new Outcome(
            null,
            "Resize "
                + n.getName()
                + " uses coordinate_transformation_mode tf_half_pixel_for_nn, removed in opset 13",
            "");
      }
    }
    Map<String, Integer> changed = new TreeMap<>();
    Names names = new Names(g);
    List<NodeProto> nodes = new ArrayList<>();
    List<TensorProto> inits = new ArrayList<>();
    for (NodeProto original : g.getNodeList()) {
      NodeProto n =
          from < 11 && Op.defaultDomain(original.getDomain())
              ? early(original, from, names, inits, init)
              : original;
      Op op = Op.of(n.getOpType());
      if (!Op.defaultDomain(n.getDomain()) || op == null) {
        nodes.add(n);
        if (n != original) {
          changed.merge(n.getOpType(), 1, Integer::sum);
        }
        continue;
      }
      int before = nodes.size();
      Op.AttributeInput moved = op.attributeInput();
      if (op.has(Op.Trait.AXIS_FLATTENS_BEFORE_13)) {
        normalization(n, shapes, names, nodes);
      } else if (moved != null && moved.since() <= TARGET) {
        // Dropout's ratio only matters in training: dropped rather than made an input.
        nodes.add(
            op == Op.DROPOUT
                ? without(n, moved.attribute()).build()
                : attrToInput(n, moved.attribute(), names, inits));
      } else {
        nodes.add(n);
      }
      if (nodes.size() - before != 1 || !nodes.get(before).equals(original)) {
        changed.merge(n.getOpType(), 1, Integer::sum);
      }
    }
    GraphProto upgraded =
        g.toBuilder().clearNode().addAllNode(nodes).addAllInitializer(inits).build();
    ModelProto.Builder b = m.toBuilder().setGraph(upgraded).clearOpsetImport();
    for (OperatorSetIdProto o : m.getOpsetImportList()) {
      boolean main = Op.defaultDomain(o.getDomain());
      b.addOpsetImport(main ? o.toBuilder().setVersion(TARGET).build() : o);
    }
    if (b.getIrVersion() < 7) {
      b.setIrVersion(7); // opset 13 needs IR version 7
    }
    StringBuilder changes = new StringBuilder();
    changed.forEach(
        (op, k) -> changes.append(changes.length() == 0 ? "" : ", ").append(k + " " + op));
    return new Outcome(
        b.build(), null, changes.length() == 0 ? "no node changed" : changes.toString());
  }

  /** Why node {@code n} of a model at opset {@code from} (below 11) cannot be upgraded, or null. */
  private static String earlyRefusal(
      NodeProto n, long from, Map<String, Integer> types, Map<String, TensorProto> init) {
    String op = n.getOpType();
    if ((Op.RESIZE.is(op) || Op.UPSAMPLE.is(op)) && resizeMode(n, init) == null) {
      return op
          + " before opset 11 rounds nearest neighbours its own way; only linear mode, or nearest"
          + " with constant scales all >= 1 or all <= 1, has an opset 13 equivalent";
    }
    if (Op.BATCH_NORMALIZATION.is(op) && from < 9 && Ops.intAttr(n, "spatial", 1) != 1) {
      return "BatchNormalization with spatial = 0 has no equivalent from opset 9";
    }
    boolean floatAttrs = Op.CLIP.is(op) || Op.PAD.is(op) && ElemTypes.attr(n, "value") != null;
    if (floatAttrs && types.getOrDefault(n.getInput(0), 0) != TensorProto.DataType.FLOAT_VALUE) {
      return op + " on data that is not float32: its attributes cannot become inputs here";
    }
    return null;
  }

  /** Node {@code n} with the input-for-attribute changes of opsets 9 to 11 made. */
  private static NodeProto early(
      NodeProto n, long from, Names names, List<TensorProto> inits, Map<String, TensorProto> init) {
    String base = n.getName().isEmpty() ? n.getOutput(0) : n.getName();
    if (n.getOpType().equals("Scatter")) {
      // Deprecated at 11 for ScatterElements, which has the same inputs, axis and meaning.
      return n.toBuilder().setOpType("ScatterElements").build();
    }
    if (Op.RESIZE.is(n.getOpType()) || Op.UPSAMPLE.is(n.getOpType())) {
      // Resize-10 and Upsample are Resize-11+ with asymmetric coordinates; checked against ONNX
      // Runtime: linear exactly, nearest as floor when upsampling and ceil when downsampling.
      String scales;
      float[] attr = floatsAttr(n, "scales");
      if (attr != null) {
        scales = names.fresh(base, "_scales");
        inits.add(Initializers.ofFloats(scales, new long[] {attr.length}, attr));
      } else {
        scales = n.getInput(1);
      }
      String mode = resizeMode(n, init);
      NodeProto.Builder b =
          Op.RESIZE.node(n.getName()).addInput(n.getInput(0)).addInput("").addInput(scales);
      b.addAllOutput(n.getOutputList())
          .addAttribute(stringAttribute("coordinate_transformation_mode", "asymmetric"));
      if (mode.equals("linear")) {
        b.addAttribute(stringAttribute("mode", "linear"));
      } else {
        b.addAttribute(stringAttribute("nearest_mode", mode));
      }
      return b.build();
    }
    if (Op.SLICE.is(n.getOpType()) && from < 10) {
      NodeProto.Builder b = n.toBuilder().clearAttribute().clearInput().addInput(n.getInput(0));
      for (String a : List.of("starts", "ends", "axes")) {
        AttributeProto v = ElemTypes.attr(n, a);
        if (v != null) {
          String name = names.fresh(base, "_" + a);
          inits.add(Initializers.ofLongs(name, ints(v)));
          b.addInput(name);
        }
      }
      return b.build();
    }
    if (Op.TOP_K.is(n.getOpType()) && from < 10) {
      String k = names.fresh(base, "_k");
      inits.add(Initializers.ofLongs(k, new long[] {Ops.intAttr(n, "k", 0)}));
      return without(n, "k").clearInput().addInput(n.getInput(0)).addInput(k).build();
    }
    if (Op.CLIP.is(n.getOpType())) {
      NodeProto.Builder b = n.toBuilder().clearAttribute().clearInput().addInput(n.getInput(0));
      AttributeProto lo = ElemTypes.attr(n, "min");
      AttributeProto hi = ElemTypes.attr(n, "max");
      if (lo != null || hi != null) {
        b.addInput(lo == null ? "" : scalar(names.fresh(base, "_min"), lo.getF(), inits));
      }
      if (hi != null) {
        b.addInput(scalar(names.fresh(base, "_max"), hi.getF(), inits));
      }
      return b.build();
    }
    if (Op.PAD.is(n.getOpType())) {
      NodeProto.Builder b = n.toBuilder().clearAttribute();
      AttributeProto value = ElemTypes.attr(n, "value");
      n.getAttributeList().stream()
          .filter(a -> a.getName().equals("mode"))
          .forEach(b::addAttribute);
      String pads = names.fresh(base, "_pads");
      inits.add(Initializers.ofLongs(pads, ints(ElemTypes.attr(n, "pads"))));
      b.clearInput().addInput(n.getInput(0)).addInput(pads);
      if (value != null) {
        b.addInput(scalar(names.fresh(base, "_value"), value.getF(), inits));
      }
      return b.build();
    }
    if (Op.BATCH_NORMALIZATION.is(n.getOpType()) && from < 9) {
      return without(n, "spatial").build();
    }
    return n;
  }

  /**
   * How a Resize-10 or Upsample node maps to opset 13: {@code linear}, or the nearest mode ({@code
   * floor} when no constant scale is below 1, {@code ceil} when none is above), or {@code null}.
   */
  private static String resizeMode(NodeProto n, Map<String, TensorProto> init) {
    AttributeProto m = ElemTypes.attr(n, "mode");
    String mode = m == null ? "nearest" : m.getS().toStringUtf8();
    if (mode.equals("linear") || mode.equals("bilinear")) {
      return "linear";
    }
    float[] scales = floatsAttr(n, "scales");
    if (scales == null && n.getInputCount() > 1 && init.containsKey(n.getInput(1))) {
      scales = Initializers.floats(init.get(n.getInput(1)));
    }
    if (!mode.equals("nearest") || scales == null) {
      return null;
    }
    boolean up = true;
    boolean down = true;
    for (float f : scales) {
      up &= f >= 1;
      down &= f <= 1;
    }
    return up ? "floor" : down ? "ceil" : null;
  }

  private static float[] floatsAttr(NodeProto n, String name) {
    AttributeProto a = ElemTypes.attr(n, name);
    if (a == null) {
      return null;
    }
    float[] v = new float[a.getFloatsCount()];
    for (int i = 0; i < v.length; i++) {
      v[i] = a.getFloats(i);
    }
    return v;
  }

  private static AttributeProto stringAttribute(String name, String value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.STRING)
        .setS(com.google.protobuf.ByteString.copyFromUtf8(value))
        .build();
  }

  private static long[] ints(AttributeProto a) {
    return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
  }

  private static String scalar(String name, float v, List<TensorProto> inits) {
    inits.add(Initializers.ofFloats(name, new long[0], new float[] {v}));
    return name;
  }

  private static NodeProto.Builder without(NodeProto n, String attribute) {
    NodeProto.Builder b = n.toBuilder().clearAttribute();
    n.getAttributeList().stream()
        .filter(a -> !a.getName().equals(attribute))
        .forEach(b::addAttribute);
    return b;
  }

  private static NodeProto attrToInput(
      NodeProto n, String attribute, Names names, List<TensorProto> inits) {
    AttributeProto a =
        n.getAttributeList().stream()
            .filter(x -> x.getName().equals(attribute))
            .findFirst()
            .orElse(null);
    if (a == null) {
      return n;
    }
    long[] values = a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    String name =
        names.fresh(n.getName().isEmpty() ? n.getOutput(0) : n.getName(), "_" + attribute);
    inits.add(Initializers.ofLongs(name, values));
    // The new input is the second: Unsqueeze(data, axes), Split(input, split), ...
    return without(n, attribute).clearInput().addInput(n.getInput(0)).addInput(name).build();
  }

  private static void normalization(
      NodeProto n, Function<String, long[]> shapes, Names names, List<NodeProto> nodes) {
    long axis = Ops.intAttr(n, "axis", 1);
    if (axis == -1) {
      nodes.add(n);
      return;
    }
    long[] in = shapes.apply(n.getInput(0));
    if (in != null && axis == in.length - 1) {
      // The last axis: pre-13 flattening leaves it alone, so both meanings agree.
      nodes.add(without(n, "axis").addAttribute(Ops.intAttribute("axis", -1)).build());
      return;
    }
    String base = n.getName().isEmpty() ? n.getOutput(0) : n.getName();
    String x = n.getInput(0);
    String flat = names.fresh(base, "_flat");
    String shape = names.fresh(base, "_shape");
    String y2d = names.fresh(base, "_2d");
    nodes.add(
        Op.FLATTEN
            .node(names.fresh(base, "_Flatten"))
            .addInput(x)
            .addOutput(flat)
            .addAttribute(Ops.intAttribute("axis", axis))
            .build());
    nodes.add(
        without(n, "axis")
            .clearInput()
            .addInput(flat)
            .clearOutput()
            .addOutput(y2d)
            .addAttribute(Ops.intAttribute("axis", 1))
            .build());
    nodes.add(Op.SHAPE.node(names.fresh(base, "_Shape")).addInput(x).addOutput(shape).build());
    nodes.add(
        Op.RESHAPE
            .node(names.fresh(base, "_Reshape"))
            .addInput(y2d)
            .addInput(shape)
            .addOutput(n.getOutput(0))
            .build());
  }

  /**
   * Throws unless {@code model} has QuantizeLinear (opset 10 and later); {@code method} names the
   * method asking, for the message.
   */
  public static void requireQuantizeLinear(ModelProto model, String method)
      throws dev.infercost.compress.CompressException {
    long opset = opset(model);
    if (opset < 10) {
      throw new dev.infercost.compress.CompressException(
          "opset "
              + opset
              + " has no QuantizeLinear (it came with opset 10); re-export the model at opset 13"
              + " or later for "
              + method);
    }
  }
}
