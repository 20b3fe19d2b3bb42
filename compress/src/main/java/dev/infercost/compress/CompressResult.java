package dev.infercost.compress;

import dev.infercost.models.OnnxModel;
import java.util.List;
import java.util.Map;

/**
 * A compressed model and what each pass did.
 *
 * @param model the compressed model (provenance in its metadata_props)
 * @param passes per pass: rewritten and skipped nodes
 * @param options the options as recorded in the provenance
 */
public record CompressResult(
    OnnxModel model, List<PassSummary> passes, Map<String, String> options) {
  public CompressResult {
    passes = List.copyOf(passes);
    options = Map.copyOf(options);
  }
}
