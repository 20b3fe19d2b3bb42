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
 */
public record PassResult(
    String pass, ModelProto model, List<String> rewritten, List<String> skipped) {
  public PassResult {
    rewritten = List.copyOf(rewritten);
    skipped = List.copyOf(skipped);
  }
}
