package dev.infercost.compress;

import ai.onnx.proto.OnnxMl.ModelProto;

/**
 * One graph rewrite over the ONNX IR. Passes are stateless: everything they need comes in the
 * {@link PassContext}; they never rename graph inputs or outputs.
 */
public interface Pass {
  /** Short name used in reports and provenance, e.g. {@code int8-dynamic-matmul}. */
  String name();

  /** Whether applying the pass to its own output changes nothing. */
  boolean idempotent();

  /** Rewrites {@code model}; throws for a node it was asked to rewrite but cannot. */
  PassResult apply(ModelProto model, PassContext context) throws CompressException;
}
