package dev.infercost.models;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Expands the calls of a model's local functions ({@code ModelProto.functions}) into the nodes of
 * their bodies, the way ONNX Runtime does when it loads the model. PyTorch's exporter writes them
 * with {@code export_modules_as_functions} (one function per module class: every Linear a {@code
 * torch.nn.modules.linear::Linear} node), and its dynamo exporter writes one per module unless told
 * to inline: a pass looking for a MatMul with a constant weight finds none, so nothing is
 * quantized. After expansion the graph computes the same values from the same initializers.
 *
 * <p>Formal inputs and outputs become the call's own values (a missing optional input the empty
 * name); a body's other values get fresh names under the call's node name, so no two calls share
 * one. Attributes that refer to the call's ({@code ref_attr_name}) take the call's value, else the
 * function's default, else are left out, as ONNX specifies. Calls inside bodies and inside If/Loop
 * branches are expanded too. A function is kept, with the reason, when its body imports another
 * version of an operator set than the model does, when its body has subgraphs, when an output is
 * one of its inputs or listed twice (no node would write it), or when it calls a function that is
 * kept. Overloads (IR 10) are not told apart, as ONNX Runtime 1.23 does not tell them apart.
 * Functions with no call left are dropped, with the model's imports of domains that no node uses
 * any more.
 */
public final class LocalFunctions {
  private static final int MAX_DEPTH = 64;

  private LocalFunctions() {}

  /**
   * The model with its local functions' calls expanded.
   *
   * @param model the expanded model; the input itself when it has no local function
   * @param calls calls expanded, by function ({@code domain::name}), in name order
   * @param kept one line per function that stays a function, with why
   */
  public record Expanded(ModelProto model, Map<String, Integer> calls, List<String> kept) {
    public Expanded {
      calls = java.util.Collections.unmodifiableMap(new TreeMap<>(calls));
      kept = List.copyOf(kept);
    }
  }

  /** Expands every call of {@code m}'s local functions that can be expanded. */
  public static Expanded expand(ModelProto m) {
    if (m.getFunctionsCount() == 0) {
      return new Expanded(m, Map.of(), List.of());
    }
    return new Expansion(m).run();
  }

  /** "18 calls of 2 local functions expanded: Linear ×14, LayerNorm ×4", biggest first. */
  public static String describe(Map<String, Integer> calls) {
    int total = calls.values().stream().mapToInt(Integer::intValue).sum();
    String each =
        calls.entrySet().stream()
            .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
            .map(e -> e.getKey() + " ×" + e.getValue())
            .collect(java.util.stream.Collectors.joining(", "));
    return total
        + " calls of "
        + calls.size()
        + " local functions expanded into their bodies: "
        + each;
  }

  private static String key(String domain, String name) {
    return domain + "::" + name;
  }

  private static final class Expansion {
    final ModelProto m;
    final Map<String, FunctionProto> functions = new LinkedHashMap<>();
    final Map<String, Long> modelOpsets = new HashMap<>();
    final Map<String, String> why = new LinkedHashMap<>();
    final Set<String> fine = new HashSet<>();
    final Map<String, Integer> calls = new HashMap<>();
    final Set<String> taken = new HashSet<>();
    final Map<String, Long> added = new LinkedHashMap<>();

    Expansion(ModelProto m) {
      this.m = m;
      for (FunctionProto f : m.getFunctionsList()) {
        functions.put(key(f.getDomain(), f.getName()), f);
      }
      for (OperatorSetIdProto o : m.getOpsetImportList()) {
        modelOpsets.put(o.getDomain(), o.getVersion());
      }
      taken.addAll(Scopes.names(m.getGraph()));
    }

    Expanded run() {
      for (String k : functions.keySet()) {
        problem(k, new HashSet<>());
      }
      GraphProto g = graph(m.getGraph(), 0);
      ModelProto.Builder b = m.toBuilder().setGraph(g).clearFunctions();
      Set<String> retained = retained();
      Set<String> domains = new HashSet<>();
      Scopes.nodes(g).forEach(n -> domains.add(n.getDomain()));
      for (FunctionProto f : m.getFunctionsList()) {
        if (retained.contains(key(f.getDomain(), f.getName()))) {
          b.addFunctions(f);
          domains.add(f.getDomain());
          f.getNodeList().forEach(n -> domains.add(n.getDomain()));
        }
      }
      Set<String> functionDomains = new HashSet<>();
      functions.values().forEach(f -> functionDomains.add(f.getDomain()));
      b.clearOpsetImport();
      for (OperatorSetIdProto o : m.getOpsetImportList()) {
        if (!functionDomains.contains(o.getDomain()) || domains.contains(o.getDomain())) {
          b.addOpsetImport(o);
        }
      }
      added.forEach(
          (d, v) -> b.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(d).setVersion(v)));
      List<String> kept = new ArrayList<>();
      why.forEach((k, w) -> kept.add(k + ": " + w));
      return new Expanded(b.build(), calls, kept);
    }

    /** The functions that stay: those kept, and every function their bodies call. */
    private Set<String> retained() {
      Set<String> out = new HashSet<>(why.keySet());
      List<String> work = new ArrayList<>(out);
      while (!work.isEmpty()) {
        for (NodeProto n : functions.get(work.remove(work.size() - 1)).getNodeList()) {
          String k = key(n.getDomain(), n.getOpType());
          if (functions.containsKey(k) && out.add(k)) {
            work.add(k);
          }
        }
      }
      return out;
    }

    /**
     * Why function {@code k} cannot be expanded, or {@code null}; recorded in {@link #why} or
     * {@link #fine}, so each function is looked at once however often it is called.
     */
    private String problem(String k, Set<String> visiting) {
      if (why.containsKey(k) || fine.contains(k)) {
        return why.get(k);
      }
      if (!visiting.add(k)) {
        return record(k, "it calls itself");
      }
      FunctionProto f = functions.get(k);
      for (OperatorSetIdProto o : f.getOpsetImportList()) {
        Long v = modelOpsets.get(o.getDomain());
        Long other = added.get(o.getDomain());
        if (v != null && v != o.getVersion() || other != null && other != o.getVersion()) {
          return record(
              k,
              "its body imports opset "
                  + o.getVersion()
                  + " of '"
                  + o.getDomain()
                  + "', the model "
                  + (v != null ? v : other));
        }
      }
      Set<String> outputs = new HashSet<>();
      for (String o : f.getOutputList()) {
        if (f.getInputList().contains(o) || !outputs.add(o)) {
          return record(k, "its output '" + o + "' is one of its inputs or listed twice");
        }
      }
      for (NodeProto n : f.getNodeList()) {
        for (AttributeProto a : n.getAttributeList()) {
          if (a.hasG() || a.getGraphsCount() > 0) {
            return record(k, "its body has subgraphs (node " + n.getOpType() + ")");
          }
        }
        String inner = key(n.getDomain(), n.getOpType());
        if (functions.containsKey(inner) && problem(inner, visiting) != null) {
          return record(k, "it calls " + inner + ", which stays a function");
        }
      }
      visiting.remove(k);
      for (OperatorSetIdProto o : f.getOpsetImportList()) {
        if (!modelOpsets.containsKey(o.getDomain())) {
          added.putIfAbsent(o.getDomain(), o.getVersion());
        }
      }
      fine.add(k);
      return null;
    }

    private String record(String k, String reason) {
      why.put(k, reason);
      return reason;
    }

    private boolean expandable(NodeProto n) {
      String k = key(n.getDomain(), n.getOpType());
      return functions.containsKey(k) && !why.containsKey(k);
    }

    /** {@code g} with its calls expanded, in its branches too; {@code g} when none was. */
    private GraphProto graph(GraphProto g, int depth) {
      List<NodeProto> out = new ArrayList<>(g.getNodeCount());
      boolean changed = false;
      for (NodeProto n : g.getNodeList()) {
        if (expandable(n)) {
          out.addAll(expandCall(n, depth));
          changed = true;
          continue;
        }
        NodeProto inner = branches(n, depth);
        changed |= inner != n;
        out.add(inner);
      }
      return changed ? g.toBuilder().clearNode().addAllNode(out).build() : g;
    }

    private NodeProto branches(NodeProto n, int depth) {
      NodeProto.Builder b = null;
      for (int i = 0; i < n.getAttributeCount(); i++) {
        AttributeProto a = n.getAttribute(i);
        AttributeProto.Builder ab = a.toBuilder();
        boolean changed = false;
        if (a.hasG()) {
          GraphProto s = graph(a.getG(), depth);
          changed = s != a.getG();
          ab.setG(s);
        }
        for (int j = 0; j < a.getGraphsCount(); j++) {
          GraphProto s = graph(a.getGraphs(j), depth);
          changed |= s != a.getGraphs(j);
          ab.setGraphs(j, s);
        }
        if (changed) {
          b = b == null ? n.toBuilder() : b;
          b.setAttribute(i, ab);
        }
      }
      return b == null ? n : b.build();
    }

    /** The body of the function {@code call} calls, bound to the call, its own calls expanded. */
    private List<NodeProto> expandCall(NodeProto call, int depth) {
      String k = key(call.getDomain(), call.getOpType());
      if (depth >= MAX_DEPTH) {
        throw new IllegalStateException("local functions nested deeper than " + MAX_DEPTH);
      }
      FunctionProto f = functions.get(k);
      calls.merge(k, 1, Integer::sum);
      String prefix = call.getName().isEmpty() ? f.getName() : call.getName();
      Map<String, String> rename = new HashMap<>();
      for (int i = 0; i < f.getInputCount(); i++) {
        rename.put(f.getInput(i), i < call.getInputCount() ? call.getInput(i) : "");
      }
      for (int i = 0; i < f.getOutputCount(); i++) {
        if (i < call.getOutputCount() && !call.getOutput(i).isEmpty()) {
          rename.put(f.getOutput(i), call.getOutput(i));
        }
      }
      Map<String, AttributeProto> given = new HashMap<>();
      f.getAttributeProtoList().forEach(a -> given.put(a.getName(), a));
      call.getAttributeList().forEach(a -> given.put(a.getName(), a));
      List<NodeProto> body = new ArrayList<>(f.getNodeCount());
      for (NodeProto n : f.getNodeList()) {
        NodeProto.Builder b = n.toBuilder().clearInput().clearOutput().clearAttribute();
        for (String x : n.getInputList()) {
          b.addInput(x.isEmpty() ? x : rename.computeIfAbsent(x, v -> fresh(prefix, v)));
        }
        for (String y : n.getOutputList()) {
          b.addOutput(y.isEmpty() ? y : rename.computeIfAbsent(y, v -> fresh(prefix, v)));
        }
        for (AttributeProto a : n.getAttributeList()) {
          if (a.getRefAttrName().isEmpty()) {
            b.addAttribute(a);
          } else if (given.containsKey(a.getRefAttrName())) {
            b.addAttribute(given.get(a.getRefAttrName()).toBuilder().setName(a.getName()));
          }
        }
        b.setName(fresh(prefix, n.getName().isEmpty() ? n.getOpType() : n.getName()));
        body.add(b.build());
      }
      GraphProto expanded = graph(GraphProto.newBuilder().addAllNode(body).build(), depth + 1);
      return expanded.getNodeList();
    }

    private String fresh(String prefix, String name) {
      String base = prefix + "/" + name;
      String out = base;
      for (int i = 1; !taken.add(out); i++) {
        out = base + "_" + i;
      }
      return out;
    }
  }
}
