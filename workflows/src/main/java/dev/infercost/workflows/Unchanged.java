package dev.infercost.workflows;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Whether a built variant changed nothing, and the commonest reason its passes gave. */
final class Unchanged {
  private Unchanged() {}

  /**
   * One line when no quantizing pass rewrote a node: {@code unchanged: 0 of 51 nodes rewritten;
   * commonest reason (51 nodes): weight is not float32}; empty otherwise (and for fp32 and fp16,
   * which change every float).
   */
  static Optional<String> reason(BuiltVariant v) {
    if (v.method() == Method.FP32 || v.method() == Method.FP16) {
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
    String commonest =
        reasons.entrySet().stream()
            .max(Comparator.comparingInt(Map.Entry<String, Integer>::getValue))
            .map(
                e ->
                    String.format(
                        Locale.ROOT, "; commonest reason (%d nodes): %s", e.getValue(), e.getKey()))
            .orElse("; no node the method applies to");
    return Optional.of(
        String.format(
                Locale.ROOT,
                "unchanged: %s rewrote 0 of %d candidate nodes",
                v.recipe().label(),
                skipped.size())
            + commonest);
  }
}
