package dev.infercost.workflows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.infercost.models.InfercostException;
import dev.infercost.models.OutputFiles;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** JSON and Markdown report files, written atomically. */
public final class Reports {
  /** Version of the report.json layout; bumped on incompatible changes. */
  public static final int SCHEMA = 1;

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .build();

  private Reports() {}

  /** {@code value} as pretty JSON (record components in declaration order). */
  public static String json(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void writeJson(Path file, Object value) throws InfercostException {
    writeText(file, json(value) + "\n");
  }

  public static void writeText(Path file, String text) throws InfercostException {
    OutputFiles.write(file, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
  }
}
