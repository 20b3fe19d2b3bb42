package dev.infercost.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.infercost.base.OneLine;
import dev.infercost.base.Parameter;
import dev.infercost.base.StrictJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A model's class names and the label each stands for: line i (from 0) of a {@code classes.txt} is
 * class i, or a HuggingFace {@code config.json}'s {@code id2label} maps i to its name. A name is
 * matched as written, else ignoring case when that picks one class ({@code positive} for {@code
 * POSITIVE}).
 */
final class ClassNames {
  static final String FILE = "classes.txt";

  private final Path source;
  private final Map<String, Long> byName;

  private ClassNames(Path source, Map<String, Long> byName) {
    this.source = source;
    this.byName = byName;
  }

  /** The file the names came from. */
  Path source() {
    return source;
  }

  /** {@code f}, a {@code classes.txt}, if it exists: one class name per line. */
  static Optional<ClassNames> listed(Path f, Parameter hint) throws DataException {
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    Map<String, Long> out = new HashMap<>();
    long i = 0;
    for (String line : lines(f, hint)) {
      String name = line.strip();
      if (name.isEmpty()) {
        continue;
      }
      if (out.put(name, i++) != null) {
        throw DataException.of(f, "lists class '" + name + "' twice", hint);
      }
    }
    return Optional.of(new ClassNames(f, out));
  }

  /**
   * The {@code id2label} of {@code config}, a HuggingFace {@code config.json}, if it exists and has
   * one. Python writes NaN and Infinity into such files; they are read.
   */
  static Optional<ClassNames> id2label(Path config, Parameter hint) throws DataException {
    if (!Files.isRegularFile(config)) {
      return Optional.empty();
    }
    JsonNode root;
    try {
      root =
          StrictJson.reader()
              .with(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
              .readTree(Files.readAllBytes(config));
    } catch (JsonProcessingException e) {
      throw DataException.of(
          config,
          StrictJson.notValid("read for its label names (id2label)", e)
              + "; fix it, or list the classes in "
              + FILE
              + " beside the data",
          hint);
    } catch (IOException e) {
      throw DataException.of(config, "cannot read: " + OneLine.joined(e.getMessage()), hint);
    }
    JsonNode id2label = root == null ? null : root.get("id2label");
    if (id2label == null || !id2label.isObject()) {
      return Optional.empty();
    }
    Map<String, Long> out = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = id2label.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getValue().asText();
      if (!e.getKey().matches("\\d{1,9}") || !e.getValue().isTextual()) {
        throw DataException.of(
            config,
            "id2label maps '"
                + OneLine.of(e.getKey())
                + "' to "
                + OneLine.of(e.getValue().toString())
                + "; expected class indices to names",
            hint);
      }
      if (out.put(name, Long.parseLong(e.getKey())) != null) {
        throw DataException.of(config, "id2label names class '" + name + "' twice", hint);
      }
    }
    return Optional.of(new ClassNames(config, out));
  }

  /** The class index of {@code name}, or null when it names none. */
  Long index(String name) {
    Long exact = byName.get(name);
    if (exact != null) {
      return exact;
    }
    List<Long> folded =
        byName.entrySet().stream()
            .filter(e -> e.getKey().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT)))
            .map(Map.Entry::getValue)
            .toList();
    return folded.size() == 1 ? folded.get(0) : null;
  }

  /**
   * The label a cell of {@code file} holds: a class name of {@code names}, else a whole number &ge;
   * 0. {@code where} says which cell ("line 4"); {@code toName} says how to list names when there
   * are none.
   */
  static long label(
      String cell,
      Optional<ClassNames> names,
      Path file,
      String where,
      String toName,
      Parameter hint)
      throws DataException {
    Long v = names.map(n -> n.index(cell)).orElse(null);
    if (v == null && cell.matches("\\d{1,18}")) {
      v = Long.parseLong(cell);
    }
    if (v != null) {
      return v;
    }
    throw DataException.of(
        file,
        where
            + ": label '"
            + OneLine.of(cell)
            + (names.isPresent()
                ? "' is not a class in " + names.get().source()
                : "' is not a whole number >= 0; " + toName + " to use names"),
        hint);
  }

  /** The lines of {@code f}, UTF-8. */
  static List<String> lines(Path f, Parameter hint) throws DataException {
    try {
      return Files.readAllLines(f, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw DataException.of(f, "cannot read: " + OneLine.joined(e.getMessage()), hint);
    }
  }
}
