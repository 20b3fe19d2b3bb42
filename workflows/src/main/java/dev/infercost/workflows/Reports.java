package dev.infercost.workflows;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.infercost.base.AtomicFiles;
import dev.infercost.base.Hashes;
import dev.infercost.base.InfercostException;
import dev.infercost.base.OutputSet;
import dev.infercost.base.Parameter;
import dev.infercost.models.Models;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The workflows' output: folders, file sizes, and JSON and Markdown reports written atomically. */
public final class Reports {
  /** The JSON report every flow writes into its output folder. */
  public static final String JSON_FILE = "report.json";

  /** The same report for people. */
  public static final String MARKDOWN_FILE = "report.md";

  /** The self-contained HTML report {@code --html} adds (inline SVG charts, no scripts). */
  public static final String HTML_FILE = "report.html";

  /** Version of the report.json layout; bumped on incompatible changes. */
  public static final int SCHEMA = 1;

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .addModule(
              new SimpleModule("finite-numbers")
                  .addSerializer(Double.class, new FiniteOrNull())
                  .addSerializer(Double.TYPE, new FiniteOrNull()))
          .build();

  private Reports() {}

  /**
   * A number that is not finite (NaN for "no base to compare with", infinities) as {@code null}:
   * JSON has no such numbers, and Jackson's default, the string {@code "NaN"}, would put a string
   * where a reader expects a number.
   */
  private static final class FiniteOrNull extends StdSerializer<Double> {
    FiniteOrNull() {
      super(Double.class);
    }

    @Override
    public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
      if (Double.isFinite(v)) {
        g.writeNumber(v);
      } else {
        g.writeNull();
      }
    }
  }

  /** {@code value} as pretty JSON (record components in declaration order). */
  public static String json(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code value} as a document of its own: its JSON object behind {@code "schema": schema} and
   * {@code "kind": kind}, for values that are also parts of other documents (an {@code evaluate}
   * result is a {@code compress} report's {@code fidelity}). docs/schemas.md lists the kinds.
   */
  public static String document(int schema, String kind, Object value) {
    ObjectNode doc = MAPPER.createObjectNode().put("schema", schema).put("kind", kind);
    JsonNode fields = MAPPER.valueToTree(value);
    if (!fields.isObject() || fields.has("schema") || fields.has("kind")) {
      throw new IllegalArgumentException(
          value.getClass().getSimpleName() + " is not an object without schema and kind");
    }
    doc.setAll((ObjectNode) fields);
    return json(doc);
  }

  /** {@link #JSON_FILE} and {@link #MARKDOWN_FILE} into {@code dir}. */
  static void writeReport(Path dir, Object json, String markdown) throws InfercostException {
    writeJson(dir.resolve(JSON_FILE), json);
    writeText(dir.resolve(MARKDOWN_FILE), markdown);
  }

  public static void writeJson(Path file, Object value) throws InfercostException {
    writeText(file, json(value) + "\n");
  }

  public static void writeText(Path file, String text) throws InfercostException {
    AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8));
  }

  /** A run that writes into an output folder. */
  @FunctionalInterface
  interface FolderRun<T> {
    T run(Path dir) throws InfercostException;
  }

  /**
   * Runs {@code run} on {@code dir} (created if needed) as one {@link OutputSet} named {@code
   * names}: the folder locked against a second run, and every file written into it removed unless
   * {@code run} returns.
   */
  static <T> T inOutputSet(Path dir, List<String> names, FolderRun<T> run)
      throws InfercostException {
    return runIn(OutputSet.claim(dir, names), dir, run);
  }

  /** Runs {@code run} on {@code dir}, whose set is {@code claimed}, committing it if it returns. */
  private static <T> T runIn(OutputSet claimed, Path dir, FolderRun<T> run)
      throws InfercostException {
    try (OutputSet set = claimed) {
      T result = run.run(outDir(dir));
      set.commit();
      return result;
    }
  }

  /**
   * {@link #inOutputSet} in a cache folder no one asked for: {@code dir}, or where another run
   * holds it, the first free of {@code dir-2}, {@code dir-3}, ... (so two runs without an output
   * folder never refuse each other).
   */
  static <T> T inCacheSet(Path dir, List<String> names, FolderRun<T> run)
      throws InfercostException {
    for (int n = 1; n <= CACHE_SETS; n++) {
      Path d = n == 1 ? dir : dir.resolveSibling(dir.getFileName() + "-" + n);
      Optional<OutputSet> claimed = OutputSet.claimIfFree(d, names);
      if (claimed.isPresent()) {
        return runIn(claimed.get(), d, run);
      }
    }
    throw new InfercostException(
        dir
            + ": "
            + CACHE_SETS
            + " other infercost runs hold this cache folder and its siblings; wait for them, or"
            + " give --out DIR",
        Parameter.OUTPUT_DIR);
  }

  /** Most runs at once that {@link #inCacheSet} gives a folder of their own. */
  static final int CACHE_SETS = 16;

  /** {@code dir}, created if needed: refused when it is a file or cannot be written. */
  static Path outDir(Path dir) throws InfercostException {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new InfercostException(
          dir + ": the output folder is a file; choose a folder", Parameter.OUTPUT_DIR);
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new InfercostException(
          dir + ": cannot create the output folder (" + e.getMessage() + "); choose a writable one",
          Parameter.OUTPUT_DIR);
    }
    if (!Files.isWritable(dir)) {
      throw new InfercostException(
          dir + ": output folder is not writable; choose another", Parameter.OUTPUT_DIR);
    }
    return dir;
  }

  /** A model file's path, size (with its external data) and sha256 (of the file), for reports. */
  static CompressReport.FileFacts facts(Path p) throws InfercostException {
    return new CompressReport.FileFacts(p.toString(), size(p), Hashes.sha256(p));
  }

  /** The bytes on disk of model file {@code p}: the file and the external data it names. */
  static long size(Path p) throws InfercostException {
    return Models.diskBytes(p);
  }
}
