package dev.infercost.workflows;

import dev.infercost.base.InfercostException;
import dev.infercost.models.BuiltinModel;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.Models;
import dev.infercost.models.TensorSpec;
import dev.infercost.profile.Evaluator;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A model as the user named it, resolved once: its ONNX file, the built-in it is (if any), the
 * tokenizer for text data, the preprocessing for image data, and its input specs (read without
 * loading the weights). Flows take this instead of re-resolving a name at every layer.
 *
 * @param name what the user typed: a built-in name or a path
 * @param file the ONNX file
 * @param builtin the built-in model, when {@code name} is one
 * @param tokenizer tokenizer.json for text data: the one given, else the built-in's, else the
 *     {@code tokenizer.json} beside the model file
 * @param preprocessing a preprocessing YAML file for image folders given by the user (it overrides
 *     their own {@code preprocess.yaml}; see {@link dev.infercost.profile.Preprocessing})
 * @param inputs the graph inputs that are not initializers
 */
public record ModelRef(
    String name,
    Path file,
    Optional<BuiltinModel> builtin,
    Optional<Path> tokenizer,
    Optional<Path> preprocessing,
    List<TensorSpec> inputs) {
  public ModelRef {
    inputs = List.copyOf(inputs);
  }

  /** Resolves {@code nameOrPath} (a built-in name or an ONNX file) with the built-in tokenizer. */
  public static ModelRef resolve(String nameOrPath) throws InfercostException {
    return resolve(nameOrPath, Optional.empty());
  }

  /**
   * Resolves {@code nameOrPath}; {@code tokenizer} overrides the built-in model's own.
   *
   * @throws InfercostException when the file is missing or not an ONNX model
   */
  public static ModelRef resolve(String nameOrPath, Optional<Path> tokenizer)
      throws InfercostException {
    Path file = Models.resolve(nameOrPath, ModelFormat.ONNX);
    return new ModelRef(
        nameOrPath,
        file,
        Models.builtin(nameOrPath),
        tokenizer.isPresent() ? tokenizer : Evaluator.defaultTokenizer(nameOrPath),
        Optional.empty(),
        Models.inputSpecs(file));
  }

  /** The same model with image data preprocessed as {@code file} (YAML) says. */
  public ModelRef withPreprocessing(Path file) {
    return new ModelRef(name, this.file, builtin, tokenizer, Optional.of(file), inputs);
  }

  /** The built-in model's held-out data, if it has some. */
  public Optional<Path> defaultEvaluationData() throws InfercostException {
    return builtinFile(builtin.flatMap(BuiltinModel::testDataResource));
  }

  /** The built-in model's calibration data, if it has some. */
  public Optional<Path> defaultCalibrationData() throws InfercostException {
    return builtinFile(builtin.flatMap(BuiltinModel::calibrationDataResource));
  }

  private Optional<Path> builtinFile(Optional<String> resource) throws InfercostException {
    return resource.isEmpty()
        ? Optional.empty()
        : Optional.of(Models.builtinFile(builtin.orElseThrow(), resource.get()));
  }

  /** The file as a string, for the profile module's path-or-name arguments. */
  String path() {
    return file.toString();
  }
}
