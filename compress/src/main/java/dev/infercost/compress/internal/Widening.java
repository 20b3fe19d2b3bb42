package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import dev.infercost.models.Half;
import dev.infercost.models.Op;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Widens a float16 or bfloat16 model to float32, for the int8 passes, which read float32 weights
 * and compute in float32 around their integer kernels. Widening loses nothing: every float16 and
 * bfloat16 number is a float32 number. Initializers and tensor attributes ({@code Constant}, {@code
 * ConstantOfShape}) of those types become FLOAT, and so do Casts and {@code dtype} attributes that
 * produce them. A Cast between two float types, which a narrow export needed and a float32 graph
 * does not, is dropped and its readers read its input. Subgraphs are widened the same way.
 *
 * <p>The model keeps its interface: a float16 graph input is read through a Cast to float32 (its
 * value named {@code <input>_fp32}), and a float16 graph output is written by a Cast from the
 * float32 value (its producer's output renamed {@code <output>_fp32}) unless a Cast to its type
 * already writes it. Names are minted the same way for the same graph, so a model widened before
 * calibration and again before quantization names its values alike.
 */
public final class Widening {
  private static final int F32 = TensorProto.DataType.FLOAT_VALUE;
  private static final int F16 = TensorProto.DataType.FLOAT16_VALUE;
  private static final int BF16 = TensorProto.DataType.BFLOAT16_VALUE;

  /**
   * The widened model and what was done, or {@code model} itself and a {@code null} note when it
   * holds nothing narrower than float32.
   */
  public record Outcome(ModelProto model, String note) {}

  private final Names names;
  private final Map<String, String> alias = new HashMap<>();
  private final Set<String> dropped = new HashSet<>();
  private int tensors;
  private int casts;
  private int droppedCasts;
  private int interfaceCasts;

  /** Smallest weight stored as float16 again behind a Cast: smaller ones are not worth a node. */
  private static final int NARROWED_MIN_BYTES = 1024;

  /**
   * {@code out}, compressed from {@code input}, with each float32 initializer of at least 1 KiB
   * that was float16 under the same name in {@code input} and still holds only half values (one no
   * pass rewrote: a Conv weight int8-dynamic leaves float, an embedding table of a fused op) stored
   * as float16 again, read through a Cast to float32. ONNX Runtime folds the Cast when it loads the
   * model, so the model runs as before and its file is no larger than the input's for them. {@code
   * out} itself when there is none.
   */
  public static ModelProto narrowBack(ModelProto out, ModelProto input) {
    Set<String> half = new HashSet<>();
    for (TensorProto t : input.getGraph().getInitializerList()) {
      if (t.getDataType() == F16) {
        half.add(t.getName());
      }
    }
    if (half.isEmpty()) {
      return out;
    }
    GraphProto g = out.getGraph();
    Set<String> outputs = new HashSet<>();
    g.getOutputList().forEach(v -> outputs.add(v.getName()));
    Names names = new Names(g);
    GraphProto.Builder b = g.toBuilder().clearInitializer().clearNode();
    List<NodeProto> casts = new ArrayList<>();
    for (TensorProto t : g.getInitializerList()) {
      float[] v =
          half.contains(t.getName()) && !outputs.contains(t.getName())
              ? Initializers.floats(t)
              : null;
      if (v == null || v.length * 4L < NARROWED_MIN_BYTES || !allHalves(v)) {
        b.addInitializer(t);
        continue;
      }
      String stored = names.fresh(t.getName(), "_fp16");
      b.addInitializer(Half.tensor(stored, Initializers.dims(t), v));
      casts.add(Ops.cast(names, stored, t.getName(), F32));
    }
    if (casts.isEmpty()) {
      return out;
    }
    b.addAllNode(casts).addAllNode(g.getNodeList());
    return out.toBuilder().setGraph(b).build();
  }

  private static boolean allHalves(float[] v) {
    for (float x : v) {
      if (Half.round(x) != x && !Float.isNaN(x)) {
        return false;
      }
    }
    return true;
  }

  private Widening(GraphProto g) {
    this.names = new Names(g);
  }

  /** {@code model} in float32 throughout, its float16 / bfloat16 inputs and outputs kept. */
  public static Outcome widen(ModelProto model) {
    Widening w = new Widening(model.getGraph());
    GraphProto g = w.graph(model.getGraph(), true);
    if (w.tensors + w.casts + w.droppedCasts + w.interfaceCasts == 0) {
      return new Outcome(model, null);
    }
    String note =
        "float16/bfloat16 weights and arithmetic widened to float32 (exact) for int8: "
            + w.tensors
            + " tensors, "
            + w.casts
            + " Casts retargeted, "
            + w.droppedCasts
            + " float-to-float Casts dropped"
            + (w.interfaceCasts == 0
                ? ""
                : ", " + w.interfaceCasts + " Casts keep the narrow inputs and outputs");
    return new Outcome(model.toBuilder().setGraph(g).build(), note);
  }

  private static boolean narrow(int t) {
    return t == F16 || t == BF16;
  }

  private static boolean floating(int t) {
    return t == F32 || narrow(t);
  }

  private String read(String name) {
    String to = alias.get(name);
    return to == null ? name : to;
  }

  /**
   * {@code g} widened; {@code main} keeps the declared types of its inputs and outputs, a subgraph
   * has its own widened like any other value.
   */
  private GraphProto graph(GraphProto g, boolean main) {
    Map<String, Integer> types = ElemTypes.infer(g, true);
    Set<String> outputs = new HashSet<>();
    g.getOutputList().forEach(v -> outputs.add(v.getName()));
    Set<String> inputs = new HashSet<>();
    g.getInputList().forEach(v -> inputs.add(v.getName()));
    GraphProto.Builder b = g.toBuilder().clearNode().clearInitializer().clearValueInfo();
    List<NodeProto> nodes = new ArrayList<>();
    Map<String, String> renamed = new HashMap<>();
    List<NodeProto> back = new ArrayList<>();
    Set<String> stored = new HashSet<>();
    g.getInitializerList().forEach(t -> stored.add(t.getName()));
    if (main) {
      for (int i = 0; i < b.getInputCount(); i++) {
        // An initializer listed as an input (IR 3) is a weight: it widens like one.
        if (stored.contains(b.getInput(i).getName())) {
          b.setInput(i, widened(b.getInput(i)));
        }
      }
      for (ValueInfoProto v : g.getInputList()) {
        if (narrow(ElemTypes.of(v)) && !stored.contains(v.getName())) {
          String wide = names.fresh(v.getName(), "_fp32");
          nodes.add(Ops.cast(names, v.getName(), wide, F32));
          alias.put(v.getName(), wide);
          interfaceCasts++;
        }
      }
      Map<String, NodeProto> producers = new HashMap<>();
      g.getNodeList().forEach(n -> n.getOutputList().forEach(o -> producers.put(o, n)));
      for (ValueInfoProto v : g.getOutputList()) {
        int t = ElemTypes.of(v);
        NodeProto p = producers.get(v.getName());
        boolean castBack = p != null && Op.CAST.is(p.getOpType()) && Ops.intAttr(p, "to", 0) == t;
        if (narrow(t) && !inputs.contains(v.getName()) && !castBack) {
          String wide = names.fresh(v.getName(), "_fp32");
          renamed.put(v.getName(), wide);
          alias.put(v.getName(), wide);
          back.add(Ops.cast(names, wide, v.getName(), t));
          interfaceCasts++;
        }
      }
    } else {
      for (int i = 0; i < b.getInputCount(); i++) {
        b.setInput(i, widened(b.getInput(i)));
      }
      for (int i = 0; i < b.getOutputCount(); i++) {
        b.setOutput(i, widened(b.getOutput(i)));
      }
    }
    for (TensorProto t : g.getInitializerList()) {
      TensorProto w = tensor(t);
      String name = renamed.getOrDefault(t.getName(), t.getName());
      b.addInitializer(name.equals(t.getName()) ? w : w.toBuilder().setName(name).build());
    }
    for (NodeProto n : g.getNodeList()) {
      NodeProto w = node(n, types, outputs, main);
      if (w == null) {
        continue;
      }
      NodeProto.Builder nb = w.toBuilder();
      for (int i = 0; i < nb.getOutputCount(); i++) {
        String out = renamed.get(nb.getOutput(i));
        if (out != null) {
          nb.setOutput(i, out);
        }
      }
      nodes.add(nb.build());
    }
    nodes.addAll(back);
    for (ValueInfoProto v : g.getValueInfoList()) {
      if (dropped.contains(v.getName())) {
        continue;
      }
      // A main graph output keeps its declared type: a Cast writes it.
      b.addValueInfo(main && outputs.contains(v.getName()) ? v : widened(v));
    }
    return b.addAllNode(nodes).build();
  }

  /** {@code n} widened, or {@code null} when it is a Cast that widening made an identity. */
  private NodeProto node(
      NodeProto n, Map<String, Integer> types, Set<String> outputs, boolean main) {
    NodeProto.Builder b = n.toBuilder();
    for (int i = 0; i < b.getInputCount(); i++) {
      b.setInput(i, read(b.getInput(i)));
    }
    if (Op.CAST.is(n.getOpType()) && Op.defaultDomain(n.getDomain())) {
      int to = (int) Ops.intAttr(n, "to", 0);
      int from = types.getOrDefault(n.getInput(0), 0);
      boolean output = outputs.contains(n.getOutput(0));
      boolean widens = narrow(from) || narrow(to);
      if ((to == F32 || narrow(to)) && floating(from) && widens && !output) {
        alias.put(n.getOutput(0), read(n.getInput(0)));
        dropped.add(n.getOutput(0));
        droppedCasts++;
        return null;
      }
      if (narrow(to) && main && output && floating(from)) {
        // It writes a float16 graph output; the nodes that also read that output read the
        // float32 value before it.
        alias.put(n.getOutput(0), read(n.getInput(0)));
      } else if (narrow(to) && !(main && output)) {
        setInt(b, "to", F32);
        casts++;
      }
      return b.build();
    }
    for (int i = 0; i < b.getAttributeCount(); i++) {
      AttributeProto a = b.getAttribute(i);
      if (a.getName().equals("dtype") && narrow((int) a.getI())) {
        b.setAttribute(i, a.toBuilder().setI(F32));
        casts++;
      } else if (a.hasT() && narrow(a.getT().getDataType())) {
        b.setAttribute(i, a.toBuilder().setT(tensor(a.getT())));
      } else if (a.hasG() || a.getGraphsCount() > 0) {
        AttributeProto.Builder ab = a.toBuilder();
        if (a.hasG()) {
          ab.setG(graph(a.getG(), false));
        }
        for (int k = 0; k < a.getGraphsCount(); k++) {
          ab.setGraphs(k, graph(a.getGraphs(k), false));
        }
        b.setAttribute(i, ab);
      }
    }
    return b.build();
  }

  private static void setInt(NodeProto.Builder b, String name, long v) {
    for (int i = 0; i < b.getAttributeCount(); i++) {
      if (b.getAttribute(i).getName().equals(name)) {
        b.setAttribute(i, b.getAttribute(i).toBuilder().setI(v));
      }
    }
  }

  private static ValueInfoProto widened(ValueInfoProto v) {
    return narrow(ElemTypes.of(v)) ? ElemTypes.withType(v, F32) : v;
  }

  /** {@code t} as FLOAT when it is float16 or bfloat16, else {@code t} itself. */
  private TensorProto tensor(TensorProto t) {
    if (!narrow(t.getDataType())) {
      return t;
    }
    tensors++;
    float[] v = Half.values(t);
    ByteBuffer out = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    out.asFloatBuffer().put(v);
    return t.toBuilder()
        .setDataType(F32)
        .clearInt32Data()
        .setRawData(ByteString.copyFrom(out.array()))
        .build();
  }
}
