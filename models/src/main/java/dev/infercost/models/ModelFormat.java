package dev.infercost.models;

/** Serialized model formats infercost reads. */
public enum ModelFormat {
  ONNX,
  TORCHSCRIPT
}
