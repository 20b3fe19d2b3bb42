package dev.infercost.workflows;

import dev.infercost.base.InfercostException;
import dev.infercost.models.Models;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Whether a built variant changed nothing, and why: what the input already runs in int8, else the
 * commonest reason its passes gave.
 */
final class Unchanged {
  private Unchanged() {}

  /**
   * One line when no quantizing pass rewrote a node of {@code input}: {@code unchanged:
   * int8-dynamic rewrote 0 of 51 candidate nodes; commonest reason (51 nodes): weight is not a
   * constant initializer}, or, when the input already computes in int8, what it already runs in
   * int8 instead of the commonest reason; empty otherwise (and for fp32 and fp16, which change
   * every float, unless a stage such as pruning was asked for on top: pruning that removes nothing
   * is unchanged too).
   */
  static Optional<String> reason(BuiltVariant v, Path input) throws InfercostException {
    if (v.recipe() instanceof Recipe.Fp32 || v.recipe() instanceof Recipe.Fp16) {
      return Optional.empty();
    }
    if (!Search.rewrittenNodes(v).isEmpty()) {
      return Optional.empty();
    }
    Map<String, Integer> reasons = new TreeMap<>();
    List<String> skipped =
        v.passes().stream()
            .filter(p -> !Search.REWRITES_NOTHING.contains(p.pass()))
            .flatMap(p -> p.skipped().stream())
            .toList();
    for (String s : skipped) {
      int colon = s.indexOf(": ");
      reasons.merge(colon < 0 ? s : s.substring(colon + 2), 1, Integer::sum);
    }
    Map<String, Integer> quantized = Models.loadOnnxGraph(input).quantizedOps();
    String why = quantized.isEmpty() ? commonest(reasons) : alreadyQuantized(quantized);
    return Optional.of(
        String.format(
                Locale.ROOT,
                "unchanged: %s rewrote 0 of %d candidate nodes",
                v.recipe().label(),
                skipped.size())
            + why);
  }

  private static String commonest(Map<String, Integer> reasons) {
    return reasons.entrySet().stream()
        .max(Comparator.comparingInt(Map.Entry<String, Integer>::getValue))
        .map(
            e ->
                String.format(
                    Locale.ROOT, "; commonest reason (%d nodes): %s", e.getValue(), e.getKey()))
        .orElse("; no node the method applies to");
  }

  private static String alreadyQuantized(Map<String, Integer> ops) {
    return "; the input is already quantized ("
        + ops.entrySet().stream()
            .map(e -> e.getValue() + " " + e.getKey())
            .collect(Collectors.joining(", "))
        + "): compress the float model it was made from";
  }
}
