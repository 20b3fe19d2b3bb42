package dev.infercost.compress;

import java.util.List;

/**
 * What one pass of a pipeline did, without the intermediate model.
 *
 * @param pass the pass name
 * @param rewritten names of the nodes it rewrote
 * @param skipped nodes it left alone, each with the reason
 * @param notes what it changed beyond nodes, one line each (see {@link PassResult#notes()})
 */
public record PassSummary(
    String pass, List<String> rewritten, List<String> skipped, List<String> notes) {
  public PassSummary {
    rewritten = List.copyOf(rewritten);
    skipped = List.copyOf(skipped);
    notes = List.copyOf(notes);
  }

  static PassSummary of(PassResult r) {
    return new PassSummary(r.pass(), r.rewritten(), r.skipped(), r.notes());
  }
}
