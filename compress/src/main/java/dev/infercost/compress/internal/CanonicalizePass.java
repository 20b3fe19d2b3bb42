package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.infercost.compress.CompressException;
import dev.infercost.compress.Pass;
import dev.infercost.compress.PassContext;
import dev.infercost.compress.PassResult;
import dev.infercost.models.LocalFunctions;
import dev.infercost.models.Op;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Puts an export into the form the other passes read, so that weights an exporter hid behind nodes
 * are the constant initializers they look for. It runs first in every {@code Compressor} pipeline
 * and does four things, in this order:
 *
 * <ol>
 *   <li>Calls of the model's local functions are expanded into their bodies ({@link
 *       LocalFunctions}): an export with every Linear written as a function call has no MatMul a
 *       pass can see otherwise. A function that cannot be expanded is listed with the reason.
 *   <li>Initializers also listed in {@code graph.input} (IR version 3 requires that, and from IR 4
 *       it makes them inputs a caller may override, so no pass may treat them as constant) are
 *       dropped from the inputs and kept as initializers; a note in the result names them.
 *   <li>{@code Constant} nodes holding {@code value}, {@code value_float(s)} or {@code
 *       value_int(s)} become initializers under their output name, in subgraphs too. A Constant
 *       holding {@code sparse_value} or {@code value_string(s)}, or whose output is a graph output,
 *       stays a node and the result says so.
 *   <li>Nodes computed from initializers alone are folded by {@link ConstantFolder}, which runs
 *       them in ONNX Runtime and stores what the rest of the graph reads as initializers, within
 *       its size bound. Inside If/Loop/Scan bodies the same is done ({@link InSubgraphs}), from the
 *       body's own tensors and those of the graphs around it (Silero VAD v5 computes its LSTM
 *       weights from Constants inside a branch); the values folded there stay in their body under
 *       their own names. A node with a subgraph is never folded itself.
 * </ol>
 *
 * <p>The model's IR version is raised to 4 where it was lower, since initializers outside {@code
 * graph.input} need it. Apart from the expansion of local functions, no value is renamed and no
 * name is minted: every initializer takes the name of the value it replaces. It ignores the
 * context's node filter, because it changes no value a model computes. A model with nothing to do
 * comes back as the same object.
 */
public final class CanonicalizePass implements Pass {
  /** The pass name in reports and provenance. */
  public static final String NAME = "canonicalize";

  /** Names listed in a note before it says "and N more". */
  private static final int LISTED = 8;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean idempotent() {
    return true;
  }

  @Override
  public PassResult apply(ModelProto model, PassContext context) throws CompressException {
    List<String> rewritten = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    LocalFunctions.Expanded expanded = LocalFunctions.expand(model);
    expanded.kept().forEach(k -> skipped.add("local function " + k));
    ModelProto input = model;
    model = expanded.model();
    GraphProto.Builder g = model.getGraph().toBuilder();
    List<String> dropped = dropInitializerInputs(g);
    int constants = constantsToInitializers(g, rewritten, skipped);
    ModelProto.Builder b = model.toBuilder().setGraph(g);
    long ir = model.getIrVersion();
    ModelProto prepared = b.build();
    ConstantFolder.Outcome mainFold = ConstantFolder.fold(prepared);
    PassResult main = folded(prepared, mainFold);
    PassResult folded = new InSubgraphs(FOLD).insideBodies(main, context);
    int inBodies = folded.rewritten().size() - main.rewritten().size();
    rewritten.addAll(folded.rewritten());
    skipped.addAll(folded.skipped());
    if (expanded.calls().isEmpty()
        && dropped.isEmpty()
        && constants == 0
        && folded.rewritten().isEmpty()) {
      return new PassResult(NAME, input, List.of(), skipped);
    }
    if (!expanded.calls().isEmpty()) {
      notes.add(LocalFunctions.describe(expanded.calls()));
    }
    if (!dropped.isEmpty()) {
      notes.add(
          dropped.size()
              + " initializers dropped from the graph inputs, where they were overridable (IR "
              + ir
              + "): "
              + listed(dropped));
    }
    if (constants > 0) {
      notes.add(constants + " Constant nodes became initializers");
    }
    if (!main.rewritten().isEmpty()) {
      notes.add(
          main.rewritten().size()
              + " constant-only nodes folded by ONNX Runtime into "
              + mainFold.initializers()
              + " initializers");
    }
    if (inBodies > 0) {
      notes.add(inBodies + " constant-only nodes inside subgraphs folded the same way");
    }
    if (ir < 4) {
      b.setIrVersion(4);
      notes.add("IR version " + ir + " -> 4 (initializers outside the graph inputs)");
    }
    b.setGraph(folded.model().getGraph());
    b.clearOpsetImport().addAllOpsetImport(folded.model().getOpsetImportList());
    return new PassResult(NAME, b.build(), rewritten, skipped, notes);
  }

  /**
   * Constant folding of a model's main graph ({@link ConstantFolder}) as a pass, so that {@link
   * InSubgraphs} folds inside If/Loop/Scan bodies too.
   */
  private static final String FOLD_NAME = "constant-folding";

  private static final Pass FOLD =
      new Pass() {
        @Override
        public String name() {
          return FOLD_NAME;
        }

        @Override
        public boolean idempotent() {
          return true;
        }

        @Override
        public PassResult apply(ModelProto model, PassContext context) {
          return folded(model, ConstantFolder.fold(model));
        }
      };

  /** {@code model} with the folding {@code o} found applied, as a result. */
  private static PassResult folded(ModelProto model, ConstantFolder.Outcome o) {
    return new PassResult(
        FOLD_NAME,
        o.folded().isEmpty() ? model : model.toBuilder().setGraph(o.graph()).build(),
        o.folded(),
        o.skipped());
  }

  /** Removes initializers from {@code g}'s inputs; returns their names. */
  private static List<String> dropInitializerInputs(GraphProto.Builder g) {
    Set<String> init = new HashSet<>();
    g.getInitializerList().forEach(t -> init.add(t.getName()));
    List<String> dropped = new ArrayList<>();
    List<ValueInfoProto> kept = new ArrayList<>();
    for (ValueInfoProto v : g.getInputList()) {
      if (init.contains(v.getName())) {
        dropped.add(v.getName());
      } else {
        kept.add(v);
      }
    }
    if (!dropped.isEmpty()) {
      g.clearInput().addAllInput(kept);
    }
    return dropped;
  }

  /**
   * Turns {@code g}'s Constant nodes into initializers, recursing into subgraphs; returns how many.
   */
  private static int constantsToInitializers(
      GraphProto.Builder g, List<String> rewritten, List<String> skipped) {
    Set<String> outputs = new HashSet<>();
    g.getOutputList().forEach(v -> outputs.add(v.getName()));
    List<NodeProto> nodes = new ArrayList<>(g.getNodeList());
    List<NodeProto> kept = new ArrayList<>(nodes.size());
    int converted = 0;
    for (NodeProto n : nodes) {
      if (!Op.CONSTANT.is(n.getOpType()) || !Op.defaultDomain(n.getDomain())) {
        NodeProto.Builder nb = n.toBuilder();
        int inside = 0;
        for (AttributeProto.Builder a : nb.getAttributeBuilderList()) {
          if (a.hasG()) {
            inside += constantsToInitializers(a.getGBuilder(), rewritten, skipped);
          }
          for (GraphProto.Builder sub : a.getGraphsBuilderList()) {
            inside += constantsToInitializers(sub, rewritten, skipped);
          }
        }
        kept.add(inside > 0 ? nb.build() : n);
        converted += inside;
        continue;
      }
      String out = n.getOutputCount() == 1 ? n.getOutput(0) : "";
      TensorProto value = out.isEmpty() ? null : value(n, out);
      if (value == null || outputs.contains(out)) {
        skipped.add(
            Ops.label(n)
                + (value == null
                    ? ": holds a sparse or string value; stays a Constant node"
                    : ": its output is a graph output; stays a Constant node"));
        kept.add(n);
        continue;
      }
      g.addInitializer(value);
      rewritten.add(Ops.label(n));
      converted++;
    }
    if (converted > 0) {
      g.clearNode().addAllNode(kept);
    }
    return converted;
  }

  /** A Constant node's value as a tensor named {@code name}, or {@code null} for other kinds. */
  private static TensorProto value(NodeProto n, String name) {
    if (n.getAttributeCount() != 1 || !n.getAttribute(0).getRefAttrName().isEmpty()) {
      return null;
    }
    AttributeProto a = n.getAttribute(0);
    TensorProto.Builder t = TensorProto.newBuilder().setName(name);
    switch (a.getName()) {
      case "value":
        return a.getT().toBuilder().setName(name).build();
      case "value_float":
        return t.setDataType(TensorProto.DataType.FLOAT_VALUE).addFloatData(a.getF()).build();
      case "value_floats":
        return t.setDataType(TensorProto.DataType.FLOAT_VALUE)
            .addDims(a.getFloatsCount())
            .addAllFloatData(a.getFloatsList())
            .build();
      case "value_int":
        return t.setDataType(TensorProto.DataType.INT64_VALUE).addInt64Data(a.getI()).build();
      case "value_ints":
        return t.setDataType(TensorProto.DataType.INT64_VALUE)
            .addDims(a.getIntsCount())
            .addAllInt64Data(a.getIntsList())
            .build();
      default: // sparse_value, value_string, value_strings
        return null;
    }
  }

  private static String listed(List<String> names) {
    if (names.size() <= LISTED) {
      return String.join(", ", names);
    }
    return String.join(", ", names.subList(0, LISTED))
        + " and "
        + (names.size() - LISTED)
        + " more";
  }
}
