package dev.infercost.cli;

import dev.infercost.workflows.ModelRef;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --preprocess FILE}, for every command that reads data. */
final class PreprocessOptions {
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

  /** {@code model} with the preprocessing file, if given. */
  ModelRef apply(ModelRef model) {
    return file == null ? model : model.withPreprocessing(file);
  }
}
