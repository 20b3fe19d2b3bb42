package dev.infercost.compress;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.infercost.compress.internal.Ops;
import dev.infercost.models.LocalFunctions;
import dev.infercost.models.OnnxModel;
import dev.infercost.models.Scopes;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which nodes a pass may touch: {@code --include} / {@code --exclude} entries, each matching a node
 * name exactly, an op type exactly, a node as reports name it ({@code OpType->output} for a node
 * without a name, as some exporters write them), or, written {@code re:PATTERN}, a regular
 * expression over the node name. An empty include list includes everything; exclude wins over
 * include.
 */
public record NodeFilter(List<String> include, List<String> exclude) {
  public NodeFilter {
    include = List.copyOf(include);
    exclude = List.copyOf(exclude);
    for (String s : include) {
      check(s);
    }
    for (String s : exclude) {
      check(s);
    }
  }

  public static NodeFilter all() {
    return new NodeFilter(List.of(), List.of());
  }

  /** The same filter with more excluded entries. */
  public NodeFilter excluding(List<String> more) {
    List<String> ex = new java.util.ArrayList<>(exclude);
    ex.addAll(more);
    return new NodeFilter(include, ex);
  }

  public boolean accepts(NodeProto n) {
    boolean in = include.isEmpty() || include.stream().anyMatch(s -> matches(s, n));
    return in && exclude.stream().noneMatch(s -> matches(s, n));
  }

  /**
   * Refuses an include entry that matches no node of {@code model} (in any If/Loop/Scan body too,
   * and in the bodies of its local functions, under the names expansion gives them): with it the
   * rewrite would silently touch nothing (or less than asked).
   */
  void checkIncludes(OnnxModel model) throws CompressException {
    if (include.isEmpty()) {
      return;
    }
    Set<String> written = new HashSet<>();
    // The nodes the passes see: local functions' calls expanded, as canonicalize expands them.
    ModelProto expanded = LocalFunctions.expand(model.proto()).model();
    List<NodeProto> nodes = Scopes.nodes(expanded.getGraph()).toList();
    nodes.forEach(n -> written.addAll(n.getOutputList()));
    for (String s : include) {
      if (nodes.stream().noneMatch(n -> matches(s, n)) && !writtenLabel(s, written)) {
        throw new CompressException(
            model.displayName()
                + ": include entry '"
                + s
                + "' matches no node name or op type of the model; name a node (as report.json"
                + " does), an op type (e.g. MatMul) or re:PATTERN");
      }
    }
  }

  /**
   * Whether {@code spec} is a label ({@code OpType->output}) of values the model writes: a pass
   * that folds a chain into one node (a Conv taking over the output of the Mul and Add after it)
   * names the node by the chain's output, which the model's last node of the chain writes.
   */
  private static boolean writtenLabel(String spec, Set<String> written) {
    int arrow = spec.indexOf("->");
    return arrow > 0 && written.containsAll(List.of(spec.substring(arrow + 2).split(",", -1)));
  }

  private static boolean matches(String spec, NodeProto n) {
    if (spec.startsWith("re:")) {
      return Pattern.compile(spec.substring(3)).matcher(n.getName()).find();
    }
    return spec.equals(n.getName()) || spec.equals(n.getOpType()) || spec.equals(Ops.label(n));
  }

  private static void check(String spec) {
    if (spec.startsWith("re:")) {
      try {
        Pattern.compile(spec.substring(3));
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            "bad regular expression '" + spec + "': " + e.getDescription());
      }
    }
  }
}
