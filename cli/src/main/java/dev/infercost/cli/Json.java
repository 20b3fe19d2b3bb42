package dev.infercost.cli;

import dev.infercost.base.InfercostException;
import dev.infercost.workflows.Reports;
import java.io.PrintWriter;
import java.nio.file.Path;

/** stdout JSON: exactly one document per command. */
final class Json {
  private Json() {}

  static void print(PrintWriter out, Object value) {
    out.println(Reports.json(value));
    out.flush();
  }

  static void write(Path file, Object value) throws InfercostException {
    Reports.writeJson(file, value);
  }
}
