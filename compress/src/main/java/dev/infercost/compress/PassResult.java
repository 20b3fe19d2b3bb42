package dev.infercost.compress;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.List;

/**
 * What a pass produced.
 *
 * @param pass the pass name
 * @param model the rewritten model
 * @param rewritten names of the nodes it rewrote
 * @param skipped nodes it left alone, each with the reason ({@code "MatMul_3: weight not
 *     constant"})
 * @param notes what it changed beyond nodes, one line each, for the report ({@code "2 initializers
 *     dropped from the graph inputs: W, b"}); empty for most passes
 */
public record PassResult(
    String pass,
    ModelProto model,
    List<String> rewritten,
    List<String> skipped,
    List<String> notes) {
  public PassResult {
    rewritten = List.copyOf(rewritten);
    skipped = List.copyOf(skipped);
    notes = List.copyOf(notes);
  }

  /** A result without notes. */
  public PassResult(String pass, ModelProto model, List<String> rewritten, List<String> skipped) {
    this(pass, model, rewritten, skipped, List.of());
  }
}
