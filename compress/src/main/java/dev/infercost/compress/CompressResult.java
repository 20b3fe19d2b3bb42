package dev.infercost.compress;

import dev.infercost.models.OnnxModel;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A compressed model and what each pass did.
 *
 * @param model the compressed model (provenance in its metadata_props)
 * @param passes per pass: rewritten and skipped nodes
 * @param options the options as recorded in the provenance, in the order they were recorded
 */
public record CompressResult(
    OnnxModel model, List<PassSummary> passes, Map<String, String> options) {
  public CompressResult {
    passes = List.copyOf(passes);
    // Not Map.copyOf: its iteration order changes from run to run, and reports list these.
    options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
  }
}
