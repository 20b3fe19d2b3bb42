package dev.infercost.models;

import java.util.Optional;

/**
 * A model infercost ships or fetches as a Maven dependency, usable by name wherever a model path is
 * accepted.
 *
 * @param name the name users type ({@code digits-cnn})
 * @param description one line on what it is
 * @param source where the file comes from (a Maven coordinate or the bundled generator)
 * @param onnxResource classpath resource of the ONNX file
 * @param torchScriptResource classpath resource of a TorchScript twin, if any
 * @param testDataResource classpath resource of held-out evaluation data ({@code .npz} or {@code
 *     .txt}), if any
 * @param calibrationDataResource classpath resource of calibration data, disjoint from the
 *     evaluation data, if any
 * @param tokenizerResource classpath resource of a HuggingFace {@code tokenizer.json}, if any
 */
public record BuiltinModel(
    String name,
    String description,
    String source,
    String onnxResource,
    Optional<String> torchScriptResource,
    Optional<String> testDataResource,
    Optional<String> calibrationDataResource,
    Optional<String> tokenizerResource) {}
