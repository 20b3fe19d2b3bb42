package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.infercost.compress.CompressException;
import dev.infercost.compress.Pass;
import dev.infercost.compress.PassContext;
import dev.infercost.compress.PassResult;
import dev.infercost.models.Scopes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A weight pass run on the main graph, then inside every subgraph (If branches, Loop and Scan
 * bodies) at any depth. Exports that switch on an input keep all their weights in branches: Silero
 * VAD's two sample rates, Optimum's merged decoders (with and without a cache) whose branches share
 * the main graph's weights.
 *
 * <p>Each body is rewritten as a model of its own whose initializers are the body's plus the
 * enclosing graphs' that it reads; every name used anywhere else in the model is reserved (as
 * untyped value infos the pass's {@link Names} sees, removed afterwards), so a new name never
 * clashes with one in another scope. The tensors the pass adds under new names are moved to the
 * main graph, where every scope can read them, and identical ones (one weight quantized in two
 * branches, or in a branch and the main graph) are stored once; values a pass computes under a name
 * the body already used (constant folding) stay in the body, since sibling scopes may use one name
 * for different values. An enclosing graph's weight that no reader is left for is dropped. A pass
 * that would change an enclosing graph's tensor in place leaves that body as it was, with the
 * reason.
 */
public final class InSubgraphs implements Pass {
  private final Pass inner;

  public InSubgraphs(Pass inner) {
    this.inner = inner;
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public boolean idempotent() {
    return inner.idempotent();
  }

  @Override
  public PassResult apply(ModelProto model, PassContext ctx) throws CompressException {
    return insideBodies(inner.apply(model, ctx), ctx);
  }

  /**
   * {@code top}, the pass's result on the main graph, with the pass run in every subgraph too; the
   * rewritten and skipped nodes of both.
   */
  public PassResult insideBodies(PassResult top, PassContext ctx) throws CompressException {
    GraphProto main = top.model().getGraph();
    if (main.getNodeList().stream().noneMatch(ElemTypes::hasSubgraph)) {
      return top;
    }
    Walk w = new Walk(top.model(), ctx);
    GraphProto entered = w.enter(main, Scope.of(main));
    List<String> skipped = new ArrayList<>(top.skipped());
    skipped.addAll(w.skipped);
    if (w.rewritten.isEmpty()) {
      return new PassResult(name(), top.model(), top.rewritten(), skipped, top.notes());
    }
    Set<String> readBefore = Graphs.readers(main).keySet();
    Map<String, String> copies = w.sharedCopies();
    GraphProto shared =
        Graphs.renameReads(entered.toBuilder().addAllInitializer(w.hoisted).build(), copies);
    Set<String> orphaned = new HashSet<>(readBefore);
    orphaned.removeAll(Graphs.readers(shared).keySet());
    shared.getInputList().forEach(v -> orphaned.remove(v.getName()));
    orphaned.addAll(copies.keySet());
    GraphProto out = withoutInitializers(shared, orphaned);
    ModelProto.Builder m = top.model().toBuilder().setGraph(out);
    w.opsets.forEach(
        (domain, version) -> {
          if (m.getOpsetImportList().stream().noneMatch(o -> o.getDomain().equals(domain))) {
            m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(version));
          }
        });
    List<String> rewritten = new ArrayList<>(top.rewritten());
    rewritten.addAll(w.rewritten);
    return new PassResult(name(), m.build(), rewritten, skipped, top.notes());
  }

  /** One descent through the subgraphs of a model, collecting what the bodies' rewrites give. */
  private final class Walk {
    private final ModelProto model;
    private final PassContext ctx;
    private final Set<String> taken;
    private final List<TensorProto> hoisted = new ArrayList<>();
    private final List<String> rewritten = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private final Map<String, Long> opsets = new LinkedHashMap<>();

    Walk(ModelProto model, PassContext ctx) {
      this.model = model;
      this.ctx = ctx;
      this.taken = Scopes.names(model.getGraph());
    }

    /**
     * {@code g} with every subgraph of its nodes rewritten; {@code scope}: the tensors and element
     * types of values its bodies may read from around them.
     */
    GraphProto enter(GraphProto g, Scope scope) throws CompressException {
      return withBodies(g, sub -> body(sub, scope)).build();
    }

    /** {@code sub} rewritten by the pass, then its own subgraphs. */
    private GraphProto body(GraphProto sub, Scope outer) throws CompressException {
      Set<String> own = Scopes.names(sub);
      Map<String, TensorProto> lent = new LinkedHashMap<>();
      List<ValueInfoProto> declared = new ArrayList<>();
      for (String r : ElemTypes.outerReads(sub)) {
        if (outer.tensors().containsKey(r)) {
          lent.put(r, outer.tensors().get(r));
        } else if (outer.types().containsKey(r)) {
          declared.add(
              ElemTypes.withType(
                  ValueInfoProto.newBuilder().setName(r).build(), outer.types().get(r)));
        }
      }
      // The body as a model: the enclosing tensors it reads as initializers, the enclosing values
      // it reads as typed inputs, every other name of the model reserved.
      GraphProto.Builder t = sub.toBuilder().addAllInitializer(lent.values()).addAllInput(declared);
      Set<String> reserved = new HashSet<>(taken);
      reserved.removeAll(own);
      reserved.removeAll(lent.keySet());
      declared.forEach(v -> reserved.remove(v.getName()));
      reserved.forEach(r -> t.addValueInfo(ValueInfoProto.newBuilder().setName(r)));
      String label = sub.getName().isEmpty() ? "(unnamed)" : sub.getName();
      PassResult r;
      try {
        r = inner.apply(model.toBuilder().setGraph(t).build(), ctx);
      } catch (CompressException | RuntimeException e) {
        skipped.add("subgraph " + label + ": " + e.getMessage() + "; left as is");
        return enter(sub, outer.with(sub, Map.of()));
      }
      GraphProto done = r.model().getGraph();
      GraphProto.Builder b =
          done.toBuilder()
              .clearInitializer()
              .clearValueInfo()
              .clearInput()
              .addAllInput(sub.getInputList());
      List<TensorProto> added = new ArrayList<>();
      for (TensorProto i : done.getInitializerList()) {
        TensorProto before = lent.get(i.getName());
        if (before != null && !before.equals(i)) {
          skipped.add(
              "subgraph "
                  + label
                  + ": the pass would change '"
                  + i.getName()
                  + "', which an enclosing graph holds; left as is");
          return enter(sub, outer.with(sub, Map.of()));
        }
        if (own.contains(i.getName())) {
          // The body's own tensors, and values folded under the name the body gave them (a
          // sibling scope may use the same name for another value), stay in the body.
          b.addInitializer(i);
        } else if (before == null) {
          added.add(i);
        }
      }
      done.getValueInfoList().stream()
          .filter(v -> !reserved.contains(v.getName()))
          .forEach(b::addValueInfo);
      hoisted.addAll(added);
      taken.addAll(Scopes.names(done));
      rewritten.addAll(r.rewritten());
      skipped.addAll(r.skipped());
      r.model()
          .getOpsetImportList()
          .forEach(o -> opsets.putIfAbsent(o.getDomain(), o.getVersion()));
      Map<String, TensorProto> moved = new HashMap<>();
      added.forEach(i -> moved.put(i.getName(), i));
      return enter(b.build(), outer.with(done, moved));
    }

    /**
     * Hoisted tensors identical to a main-graph initializer (not an overridable input) or to an
     * earlier hoisted one, each mapped to that one's name, which its readers read instead. A weight
     * the main graph and a branch both read is then stored once in int8 too.
     */
    Map<String, String> sharedCopies() {
      GraphProto main = model.getGraph();
      Set<String> inputs = new HashSet<>();
      main.getInputList().forEach(v -> inputs.add(v.getName()));
      List<TensorProto> candidates = new ArrayList<>();
      main.getInitializerList().stream()
          .filter(t -> !inputs.contains(t.getName()))
          .forEach(candidates::add);
      candidates.addAll(hoisted);
      Set<String> movable = new HashSet<>();
      hoisted.forEach(t -> movable.add(t.getName()));
      Map<String, String> to = new HashMap<>();
      for (List<TensorProto> same : ShareInitializersPass.identical(candidates)) {
        String keep = same.get(0).getName();
        for (TensorProto copy : same.subList(1, same.size())) {
          if (movable.contains(copy.getName()) && !copy.getName().equals(keep)) {
            to.put(copy.getName(), keep);
          }
        }
      }
      return to;
    }
  }

  /**
   * What a subgraph may read from the graphs around it.
   *
   * @param tensors their initializers, by name
   * @param types the element types of their values, by name
   */
  private record Scope(Map<String, TensorProto> tensors, Map<String, Integer> types) {
    static Scope of(GraphProto main) {
      return new Scope(Graphs.initializers(main), ElemTypes.infer(main, true));
    }

    /** This scope and what {@code g} (a body, with its declared inputs) adds, plus {@code more}. */
    Scope with(GraphProto g, Map<String, TensorProto> more) {
      Map<String, TensorProto> t = new HashMap<>(tensors);
      t.putAll(Graphs.initializers(g));
      t.putAll(more);
      Map<String, Integer> y = new HashMap<>(types);
      y.putAll(ElemTypes.infer(g, true));
      return new Scope(t, y);
    }
  }

  /**
   * {@code g} without the initializers named in {@code names}, in every scope: weights whose
   * readers the pass replaced, wherever they were held.
   */
  private static GraphProto withoutInitializers(GraphProto g, Set<String> names)
      throws CompressException {
    GraphProto.Builder b = withBodies(g, sub -> withoutInitializers(sub, names)).clearInitializer();
    g.getInitializerList().stream()
        .filter(t -> !names.contains(t.getName()))
        .forEach(b::addInitializer);
    return b.build();
  }

  /** A rewrite of one subgraph. */
  private interface BodyRewrite {
    GraphProto apply(GraphProto body) throws CompressException;
  }

  /** {@code g} with the subgraph attributes of its nodes rewritten by {@code f}. */
  private static GraphProto.Builder withBodies(GraphProto g, BodyRewrite f)
      throws CompressException {
    GraphProto.Builder b = g.toBuilder().clearNode();
    for (NodeProto n : g.getNodeList()) {
      if (!ElemTypes.hasSubgraph(n)) {
        b.addNode(n);
        continue;
      }
      NodeProto.Builder nb = n.toBuilder().clearAttribute();
      for (AttributeProto a : n.getAttributeList()) {
        nb.addAttribute(a.hasG() ? a.toBuilder().setG(f.apply(a.getG())).build() : a);
      }
      b.addNode(nb);
    }
    return b;
  }
}
