package dev.infercost.workflows;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.infercost.base.InfercostException;
import dev.infercost.models.Models;
import dev.infercost.models.Scopes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the passes did, by operator type: how many nodes of each type the input has (in its
 * subgraphs too), how many a pass rewrote, how many it left as they were, and why (each reason
 * counted). Node names stay in the JSON's pass list; people read this table.
 */
final class OpTable {
  private OpTable() {}

  /**
   * One operator type.
   *
   * @param opType ONNX operator type
   * @param nodes nodes of that type in the input graph
   * @param rewritten nodes a pass rewrote (quantized, converted, pruned)
   * @param leftAsIs nodes no pass rewrote
   * @param reasons why nodes were left, each reason with how many nodes it covers (nodes no pass
   *     looked at under {@link #NOT_LOOKED_AT})
   */
  record Row(String opType, int nodes, int rewritten, int leftAsIs, Map<String, Integer> reasons) {}

  /** The reason given for nodes no pass looked at. */
  static final String NOT_LOOKED_AT = "no pass rewrites this op type";

  /** The reason given for nodes inside subgraphs that no pass looked at. */
  static final String NOT_LOOKED_AT_IN_BODIES =
      "inside a subgraph (If, Loop, Scan), where no pass of this method rewrites this op type";

  /**
   * The table for {@code passes} run on {@code input}. Entries a pass names that are not nodes of
   * the input (SmoothQuant's scaled pairs, say) get a row named after the pass in brackets.
   */
  static List<Row> of(Path input, List<CompressReport.PassSummary> passes)
      throws InfercostException {
    Map<String, String> opOf = new HashMap<>();
    Map<String, Integer> count = new TreeMap<>();
    Set<String> inBodies = new HashSet<>();
    List<GraphProto> scopes = Scopes.of(Models.loadOnnxGraph(input).proto().getGraph());
    for (GraphProto scope : scopes) {
      for (NodeProto n : scope.getNodeList()) {
        opOf.put(n.getName(), n.getOpType());
        count.merge(n.getOpType(), 1, Integer::sum);
        if (scope != scopes.get(0)) {
          inBodies.add(n.getName());
        }
      }
    }
    Set<String> explainedNodes = new HashSet<>();
    Set<String> rewritten = new HashSet<>();
    Map<String, Map<String, Integer>> reasons = new HashMap<>();
    for (var p : passes) {
      for (String entry : p.rewrittenNodes()) {
        for (String node : nodes(entry, opOf)) {
          String key = opOf.containsKey(node) || node.contains("->") ? node : p.pass() + ":" + node;
          if (rewritten.add(key)) {
            count.putIfAbsent(op(key, opOf, p.pass()), 0);
          }
        }
      }
      for (String s : p.skipped()) {
        int colon = s.indexOf(": ");
        String node = colon < 0 ? "" : s.substring(0, colon);
        explainedNodes.add(node);
        String op = colon < 0 ? "(" + p.pass() + ")" : op(node, opOf, p.pass());
        reasons
            .computeIfAbsent(op, k -> new LinkedHashMap<>())
            .merge(colon < 0 ? s : s.substring(colon + 2), 1, Integer::sum);
      }
    }
    Map<String, Integer> done = new HashMap<>();
    rewritten.forEach(n -> done.merge(op(n, opOf, "other"), 1, Integer::sum));
    // Nodes inside subgraphs that no pass named, by op type.
    Map<String, Integer> bodyUnexplained = new HashMap<>();
    inBodies.stream()
        .filter(n -> !rewritten.contains(n) && !explainedNodes.contains(n))
        .forEach(n -> bodyUnexplained.merge(opOf.get(n), 1, Integer::sum));
    reasons.keySet().forEach(op -> count.putIfAbsent(op, 0));
    List<Row> rows = new ArrayList<>();
    count.forEach(
        (op, nodes) -> {
          int r = done.getOrDefault(op, 0);
          int left = Math.max(0, nodes - r);
          Map<String, Integer> why = new LinkedHashMap<>(reasons.getOrDefault(op, Map.of()));
          int explained = why.values().stream().mapToInt(Integer::intValue).sum();
          if (left > explained) {
            // No pass looked at these nodes: the method does not rewrite this op type (an int8
            // kernel may still run it, fused into its neighbour), or not inside subgraphs.
            int unexplained = left - explained;
            int body = Math.min(bodyUnexplained.getOrDefault(op, 0), unexplained);
            if (unexplained > body) {
              why.merge(NOT_LOOKED_AT, unexplained - body, Integer::sum);
            }
            if (body > 0) {
              why.merge(NOT_LOOKED_AT_IN_BODIES, body, Integer::sum);
            }
          }
          rows.add(new Row(op, nodes, r, left, Map.copyOf(why)));
        });
    rows.sort(
        (a, b) ->
            a.rewritten() != b.rewritten()
                ? Integer.compare(b.rewritten(), a.rewritten())
                : a.nodes() != b.nodes()
                    ? Integer.compare(b.nodes(), a.nodes())
                    : a.opType().compareTo(b.opType()));
    return List.copyOf(rows);
  }

  /**
   * The nodes an entry names: a fold names its nodes joined by {@code +} ({@code conv+mul+add}),
   * each a node of the input; anything else is one node.
   */
  private static List<String> nodes(String entry, Map<String, String> opOf) {
    if (opOf.containsKey(entry) || !entry.contains("+")) {
      return List.of(entry);
    }
    List<String> parts = List.of(entry.split("\\+"));
    return parts.stream().allMatch(opOf::containsKey) ? parts : List.of(entry);
  }

  /**
   * The op type of a node: from the input graph, else from a label {@code OpType->outputs}, else
   * the pass that named it, in brackets.
   */
  private static String op(String node, Map<String, String> opOf, String pass) {
    String op = opOf.get(node);
    if (op != null) {
      return op;
    }
    int arrow = node.indexOf("->");
    if (arrow > 0) {
      return node.substring(0, arrow);
    }
    int colon = node.indexOf(':');
    return "(" + (colon > 0 ? node.substring(0, colon) : pass) + ")";
  }

  /**
   * The Conv layers int8-dynamic did not look at, and what quantizes them (not after a search that
   * kept int8-dynamic: it has tried int8-static).
   */
  static Optional<String> floatConvs(BuiltVariant built, List<Row> ops, boolean searched) {
    int convs =
        built.recipe() instanceof Recipe.Int8Dynamic && !searched
            ? ops.stream()
                .filter(r -> r.opType().equals("Conv"))
                .mapToInt(r -> r.reasons().getOrDefault(NOT_LOOKED_AT, 0))
                .sum()
            : 0;
    return convs == 0
        ? Optional.empty()
        : Optional.of(
            String.format(
                Locale.ROOT,
                "int8-dynamic leaves the %d Conv %s in float: --method int8-static (with"
                    + " --calib-data) quantizes %s",
                convs,
                convs == 1 ? "layer" : "layers",
                convs == 1 ? "it" : "them"));
  }
}
