package dev.infercost.workflows;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infercost.base.InfercostException;
import dev.infercost.base.Parameter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading the workflows' YAML input files, every problem one line naming the file and field. */
final class YamlFiles {
  private YamlFiles() {}

  /**
   * {@code file} read as {@code type} by {@code yaml} (null for an empty file).
   *
   * @param what the kind of file, for messages ({@code suite})
   * @param example the example file a message points to
   * @param hint the request parameter to change, or null
   */
  static <T> T read(
      ObjectMapper yaml, Path file, Class<T> type, String what, String example, Parameter hint)
      throws InfercostException {
    if (!Files.isRegularFile(file)) {
      throw new InfercostException(file + ": no such " + what + " file", hint);
    }
    try {
      return yaml.readValue(file.toFile(), type);
    } catch (JsonMappingException e) {
      throw new InfercostException(
          file + ": " + e.getOriginalMessage() + " (at " + path(e) + "); see " + example, hint);
    } catch (IOException e) {
      throw new InfercostException(file + ": not valid YAML: " + e.getMessage(), hint);
    }
  }

  /** Where in the document a mapping error is: {@code entries[2].model}, or {@code top level}. */
  static String path(JsonMappingException e) {
    StringBuilder b = new StringBuilder();
    for (var r : e.getPath()) {
      b.append(r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]");
    }
    return b.length() == 0 ? "top level" : b.substring(b.charAt(0) == '.' ? 1 : 0);
  }
}
