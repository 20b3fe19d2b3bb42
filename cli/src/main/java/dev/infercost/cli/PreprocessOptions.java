package dev.infercost.cli;

import dev.infercost.workflows.ModelRef;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * How a command's data is read: {@code --tokenizer FILE} for text, {@code --preprocess FILE} for
 * image folders; for every command that reads data.
 */
final class PreprocessOptions {
  @Option(
      names = "--tokenizer",
      paramLabel = "FILE",
      description =
          "HuggingFace tokenizer.json for text data (built-in models bring theirs; else the"
              + " tokenizer.json beside the model is taken).")
  Path tokenizer;

  @Option(
      names = "--preprocess",
      paramLabel = "FILE",
      description =
          "Preprocessing of image-folder data (YAML: size, resize, shorter_side, pad, scale, mean,"
              + " std, channels, layout; see profile/README.md); overrides the folder's own"
              + " preprocess.yaml.")
  Path file;

  /** The file, if given. */
  Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  /** The tokenizer, if given. */
  Optional<Path> tokenizer() {
    return Optional.ofNullable(tokenizer);
  }

  /** {@code nameOrPath} resolved with the tokenizer and the preprocessing file, where given. */
  ModelRef resolve(String nameOrPath) throws dev.infercost.base.InfercostException {
    ModelRef model = ModelRef.resolve(nameOrPath, tokenizer());
    return file == null ? model : model.withPreprocessing(file);
  }
}
