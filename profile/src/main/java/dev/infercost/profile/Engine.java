package dev.infercost.profile;

/** Inference engines infercost runs models on. */
public enum Engine {
  /** ONNX Runtime (ONNX models). */
  ORT,
  /** DJL's PyTorch engine (TorchScript models). */
  DJL
}
