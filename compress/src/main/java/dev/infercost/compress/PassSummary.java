package dev.infercost.compress;

import java.util.List;

/**
 * What one pass of a pipeline did, without the intermediate model.
 *
 * @param pass the pass name
 * @param rewritten names of the nodes it rewrote
 * @param skipped nodes it left alone, each with the reason
 */
public record PassSummary(String pass, List<String> rewritten, List<String> skipped) {
  public PassSummary {
    rewritten = List.copyOf(rewritten);
    skipped = List.copyOf(skipped);
  }

  static PassSummary of(PassResult r) {
    return new PassSummary(r.pass(), r.rewritten(), r.skipped());
  }
}
