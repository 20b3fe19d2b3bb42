package dev.infercost.cli;

import dev.infercost.base.InfercostException;
import dev.infercost.workflows.Reports;
import java.io.PrintWriter;
import java.nio.file.Path;

/** stdout JSON: exactly one document per command. */
final class Json {
  /**
   * Layout version of the documents the command line itself assembles ({@code inspect}, {@code
   * evaluate}, {@code hardware}); bumped on incompatible changes (docs/schemas.md).
   */
  static final int SCHEMA = 1;

  private Json() {}

  static void print(PrintWriter out, Object value) {
    out.println(Reports.json(value));
    out.flush();
  }

  /** {@code value}'s fields behind {@code "schema": }{@link #SCHEMA}{@code , "kind": kind}. */
  static void printDocument(PrintWriter out, String kind, Object value) {
    out.println(Reports.document(SCHEMA, kind, value));
    out.flush();
  }

  static void write(Path file, Object value) throws InfercostException {
    Reports.writeJson(file, value);
  }
}
