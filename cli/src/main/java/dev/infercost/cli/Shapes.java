package dev.infercost.cli;

import dev.infercost.base.InfercostException;
import dev.infercost.base.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses {@code --shape name=1x128} and {@code --batch 1,8,32}. */
final class Shapes {
  private Shapes() {}

  /** One {@code --shape} value. */
  record Shape(String input, long[] dims) {}

  /**
   * The shapes by input name, in the order given; an input given twice is refused, since one of its
   * shapes would be silently dropped.
   */
  static Map<String, long[]> byInput(List<Shape> shapes) throws InfercostException {
    Map<String, long[]> out = new LinkedHashMap<>();
    for (Shape s : shapes) {
      if (out.putIfAbsent(s.input(), s.dims()) != null) {
        throw new InfercostException(
            "shape given twice for input '" + s.input() + "'; give each input's shape once",
            Parameter.SHAPES);
      }
    }
    return out;
  }

  static final class ShapeConverter implements ITypeConverter<Shape> {
    @Override
    public Shape convert(String value) {
      int eq = value.lastIndexOf('=');
      if (eq <= 0 || eq == value.length() - 1) {
        throw new TypeConversionException(
            "'" + value + "' is not NAME=DIMS; write e.g. input_ids=1x128");
      }
      String[] parts = value.substring(eq + 1).split("[x,]");
      long[] dims = new long[parts.length];
      for (int i = 0; i < parts.length; i++) {
        try {
          dims[i] = Long.parseLong(parts[i].trim());
        } catch (NumberFormatException e) {
          throw new TypeConversionException(
              "'"
                  + value
                  + "': dim '"
                  + parts[i]
                  + "' is not a number; write e.g. input_ids=1x128");
        }
        if (dims[i] < 1) {
          throw new TypeConversionException("'" + value + "': dims must be >= 1");
        }
      }
      return new Shape(value.substring(0, eq), dims);
    }
  }

  static final class BatchConverter implements ITypeConverter<List<Integer>> {
    @Override
    public List<Integer> convert(String value) {
      List<Integer> out = new ArrayList<>();
      for (String p : value.split(",")) {
        try {
          int b = Integer.parseInt(p.trim());
          if (b < 1) {
            throw new NumberFormatException();
          }
          out.add(b);
        } catch (NumberFormatException e) {
          throw new TypeConversionException(
              "'" + value + "' is not a list of batch sizes >= 1; write e.g. 1,8,32");
        }
      }
      return out;
    }
  }
}
