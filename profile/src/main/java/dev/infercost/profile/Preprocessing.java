package dev.infercost.profile;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.infercost.base.OneLine;
import dev.infercost.base.Parameter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How images become model input: resize, channel order, scaling, normalization and layout. Read
 * from a small YAML file with {@link #read}; every key is optional, and height, width, layout and
 * channels default from the model's input where it has fixed dims. The keys (see {@code
 * profile/README.md}):
 *
 * <pre>
 * size: [224, 224]      # H x W (or "224x224", or one number for a square); default: the input's dims
 * resize: stretch       # stretch | pad (keep the aspect ratio, pad) | crop (shorter side, center crop)
 * shorter_side: 256     # crop: the shorter side before cropping; default max(H, W)
 * pad: 0                # pad: the fill, in pixel units 0..255 (before scale/mean/std)
 * scale: 1/255          # multiplies pixel values 0..255 (a number or a fraction "a/b")
 * mean: [0.485, 0.456, 0.406]  # subtracted after scaling (one number or one per channel)
 * std: [0.229, 0.224, 0.225]   # divides after the mean (one number or one per channel, > 0)
 * channels: rgb         # rgb | bgr | gray; default: gray for a 1-channel input, else rgb
 * layout: nchw          # nchw | nhwc; default: from the input's shape (nchw when it cannot tell)
 * </pre>
 *
 * @param size height and width, or empty for the model input's fixed dims
 * @param resize how the image is fitted to the size
 * @param shorterSide {@link Resize#CROP}: the shorter side before the center crop, or empty for
 *     {@code max(height, width)}
 * @param pad {@link Resize#PAD}: the fill value in pixel units, 0..255
 * @param scale multiplies pixel values (0..255)
 * @param mean subtracted per channel after scaling: one value or one per channel
 * @param std divides per channel after the mean: one value or one per channel, each &gt; 0
 * @param channels channel order, or empty for the model input's channel count
 * @param layout tensor layout, or empty for the model input's shape
 */
public record Preprocessing(
    Optional<Size> size,
    Resize resize,
    OptionalInt shorterSide,
    double pad,
    double scale,
    double[] mean,
    double[] std,
    Optional<Channels> channels,
    Optional<Layout> layout) {

  /** The file looked for next to image data when no spec is given. */
  public static final String FILE_NAME = "preprocess.yaml";

  /** Largest height or width accepted. */
  static final int MAX_SIDE = 16384;

  /** Every key the YAML file may have. */
  static final List<String> KEYS =
      List.of(
          "size", "resize", "shorter_side", "pad", "scale", "mean", "std", "channels", "layout");

  /** Stretch to H x W, bilinear; scale 1/255; mean 0, std 1; channels and layout from the model. */
  public static final Preprocessing DEFAULT =
      new Preprocessing(
          Optional.empty(),
          Resize.STRETCH,
          OptionalInt.empty(),
          0,
          1.0 / 255,
          new double[] {0},
          new double[] {1},
          Optional.empty(),
          Optional.empty());

  /** A height and width in pixels. */
  public record Size(int height, int width) {
    public Size {
      if (height < 1 || width < 1 || height > MAX_SIDE || width > MAX_SIDE) {
        throw new IllegalArgumentException(
            "size " + height + "x" + width + " is out of range 1.." + MAX_SIDE);
      }
    }
  }

  /** How an image is fitted to H x W. Every resize is bilinear (see {@code profile/README.md}). */
  public enum Resize {
    /** Resize to exactly H x W, ignoring the aspect ratio. */
    STRETCH,
    /** Keep the aspect ratio, fit inside H x W, center, fill the rest with the pad value. */
    PAD,
    /** Resize the shorter side to {@code shorterSide} keeping the aspect ratio, center-crop. */
    CROP
  }

  /** The channels the model takes and their order. */
  public enum Channels {
    RGB(3),
    BGR(3),
    /** One channel: luma 0.299 R + 0.587 G + 0.114 B of a colour image, the value of a grey one. */
    GRAY(1);

    private final int count;

    Channels(int count) {
      this.count = count;
    }

    /** How many channels the tensor has. */
    public int count() {
      return count;
    }
  }

  /** Tensor layout of an image batch. */
  public enum Layout {
    /** [N, C, H, W], channels first. */
    NCHW,
    /** [N, H, W, C], channels last. */
    NHWC
  }

  public Preprocessing {
    mean = mean.clone();
    std = std.clone();
    if (!(pad >= 0 && pad <= 255)) {
      throw new IllegalArgumentException("pad " + pad + " is out of range 0..255");
    }
    if (!(scale > 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException("scale " + scale + " must be a finite number > 0");
    }
    if (shorterSide.isPresent()
        && (shorterSide.getAsInt() < 1 || shorterSide.getAsInt() > MAX_SIDE)) {
      throw new IllegalArgumentException(
          "shorter side " + shorterSide.getAsInt() + " is out of range 1.." + MAX_SIDE);
    }
    perChannel("mean", mean, false);
    perChannel("std", std, true);
  }

  private static void perChannel(String key, double[] v, boolean positive) {
    if (v.length != 1 && v.length != 3) {
      throw new IllegalArgumentException(
          key + " has " + v.length + " values; give one, or one per channel");
    }
    for (double x : v) {
      if (!Double.isFinite(x) || (positive && !(x > 0))) {
        throw new IllegalArgumentException(
            key + " value " + x + " must be a finite number" + (positive ? " > 0" : ""));
      }
    }
  }

  @Override
  public double[] mean() {
    return mean.clone();
  }

  @Override
  public double[] std() {
    return std.clone();
  }

  /** A spec built in code, starting from {@link #DEFAULT}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Optional parts as {@code opt*}; unset ones keep {@link #DEFAULT}'s. */
  public static final class Builder {
    private Size size;
    private Resize resize = DEFAULT.resize;
    private Integer shorterSide;
    private double pad = DEFAULT.pad;
    private double scale = DEFAULT.scale;
    private double[] mean = DEFAULT.mean;
    private double[] std = DEFAULT.std;
    private Channels channels;
    private Layout layout;

    private Builder() {}

    public Builder optSize(int height, int width) {
      this.size = new Size(height, width);
      return this;
    }

    public Builder optResize(Resize r) {
      this.resize = r;
      return this;
    }

    public Builder optShorterSide(int s) {
      this.shorterSide = s;
      return this;
    }

    public Builder optPad(double p) {
      this.pad = p;
      return this;
    }

    public Builder optScale(double s) {
      this.scale = s;
      return this;
    }

    public Builder optMean(double... m) {
      this.mean = m.clone();
      return this;
    }

    public Builder optStd(double... s) {
      this.std = s.clone();
      return this;
    }

    public Builder optChannels(Channels c) {
      this.channels = c;
      return this;
    }

    public Builder optLayout(Layout l) {
      this.layout = l;
      return this;
    }

    public Preprocessing build() {
      return new Preprocessing(
          Optional.ofNullable(size),
          resize,
          shorterSide == null ? OptionalInt.empty() : OptionalInt.of(shorterSide),
          pad,
          scale,
          mean,
          std,
          Optional.ofNullable(channels),
          Optional.ofNullable(layout));
    }
  }

  /**
   * Reads a spec from a YAML file (an empty file is {@link #DEFAULT}). A failure is a one-line
   * {@link DataException} naming the file and the key, with {@code hint}.
   */
  public static Preprocessing read(Path file, Parameter hint) throws DataException {
    JsonNode root;
    try {
      YAMLMapper yaml = new YAMLMapper();
      yaml.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      root = yaml.readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw DataException.of(
          file, "not a readable preprocessing YAML file: " + OneLine.joined(e.getMessage()), hint);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return DEFAULT;
    }
    if (!root.isObject()) {
      throw DataException.of(file, "expected keys " + String.join(", ", KEYS), hint);
    }
    Parser p = new Parser(file, hint);
    Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
    Optional<Size> size = Optional.empty();
    Resize resize = DEFAULT.resize;
    OptionalInt shorter = OptionalInt.empty();
    double pad = DEFAULT.pad;
    double scale = DEFAULT.scale;
    double[] mean = DEFAULT.mean;
    double[] std = DEFAULT.std;
    Optional<Channels> channels = Optional.empty();
    Optional<Layout> layout = Optional.empty();
    while (fields.hasNext()) {
      var f = fields.next();
      JsonNode v = f.getValue();
      switch (f.getKey()) {
        case "size" -> size = Optional.of(p.size(v));
        case "resize" -> resize = p.word("resize", v, Resize.class);
        case "shorter_side" -> shorter = OptionalInt.of(p.integer("shorter_side", v, MAX_SIDE));
        case "pad" -> pad = p.number("pad", v, 0, 255);
        case "scale" -> scale = p.scale(v);
        case "mean" -> mean = p.numbers("mean", v, false);
        case "std" -> std = p.numbers("std", v, true);
        case "channels" -> channels = Optional.of(p.word("channels", v, Channels.class));
        case "layout" -> layout = Optional.of(p.word("layout", v, Layout.class));
        default ->
            throw DataException.of(
                file,
                "unknown key '" + f.getKey() + "'; known keys: " + String.join(", ", KEYS),
                hint);
      }
    }
    if (shorter.isPresent() && resize != Resize.CROP) {
      throw DataException.of(file, "'shorter_side' applies only to 'resize: crop'", hint);
    }
    return new Preprocessing(size, resize, shorter, pad, scale, mean, std, channels, layout);
  }

  /** Reads one key's value, failing with a message that names the file and the key. */
  private record Parser(Path file, Parameter hint) {
    DataException bad(String key, JsonNode v, String expected) {
      return DataException.of(
          file, "'" + key + "' is " + OneLine.of(v.toString()) + "; expected " + expected, hint);
    }

    double number(String key, JsonNode v, double min, double max) throws DataException {
      if (!v.isNumber() || !(v.asDouble() >= min && v.asDouble() <= max)) {
        throw bad(key, v, "a number in " + fmt(min) + ".." + fmt(max));
      }
      return v.asDouble();
    }

    int integer(String key, JsonNode v, int max) throws DataException {
      if (!v.isIntegralNumber() || v.asLong() < 1 || v.asLong() > max) {
        throw bad(key, v, "a whole number in 1.." + max);
      }
      return v.asInt();
    }

    Size size(JsonNode v) throws DataException {
      String expected = "[height, width] (or \"HxW\", or one number) with sides in 1.." + MAX_SIDE;
      List<JsonNode> parts = new ArrayList<>();
      if (v.isArray()) {
        v.forEach(parts::add);
      } else if (v.isTextual()) {
        for (String s : v.asText().toLowerCase(Locale.ROOT).split("x", -1)) {
          parts.add(numeric(s.strip()));
        }
      } else {
        parts.add(v);
        parts.add(v);
      }
      if (parts.size() != 2) {
        throw bad("size", v, expected);
      }
      for (JsonNode n : parts) {
        if (n == null || !n.isIntegralNumber() || n.asLong() < 1 || n.asLong() > MAX_SIDE) {
          throw bad("size", v, expected);
        }
      }
      return new Size(parts.get(0).asInt(), parts.get(1).asInt());
    }

    private static JsonNode numeric(String s) {
      try {
        return com.fasterxml.jackson.databind.node.LongNode.valueOf(Long.parseLong(s));
      } catch (NumberFormatException e) {
        return null;
      }
    }

    double scale(JsonNode v) throws DataException {
      String expected = "a number > 0 or a fraction such as 1/255";
      double s;
      if (v.isNumber()) {
        s = v.asDouble();
      } else if (v.isTextual()) {
        String[] ab = v.asText().split("/", -1);
        try {
          s =
              ab.length == 1
                  ? Double.parseDouble(ab[0].strip())
                  : ab.length == 2
                      ? Double.parseDouble(ab[0].strip()) / Double.parseDouble(ab[1].strip())
                      : Double.NaN;
        } catch (NumberFormatException e) {
          throw bad("scale", v, expected);
        }
      } else {
        throw bad("scale", v, expected);
      }
      if (!(s > 0) || Double.isInfinite(s)) {
        throw bad("scale", v, expected);
      }
      return s;
    }

    double[] numbers(String key, JsonNode v, boolean positive) throws DataException {
      List<JsonNode> parts = new ArrayList<>();
      if (v.isArray()) {
        v.forEach(parts::add);
      } else {
        parts.add(v);
      }
      String expected = "one number or one per channel (1 or 3)" + (positive ? ", each > 0" : "");
      if (parts.size() != 1 && parts.size() != 3) {
        throw bad(key, v, expected);
      }
      double[] out = new double[parts.size()];
      for (int i = 0; i < out.length; i++) {
        JsonNode n = parts.get(i);
        if (!n.isNumber() || !Double.isFinite(n.asDouble()) || (positive && !(n.asDouble() > 0))) {
          throw bad(key, v, expected);
        }
        out[i] = n.asDouble();
      }
      return out;
    }

    <E extends Enum<E>> E word(String key, JsonNode v, Class<E> type) throws DataException {
      List<String> names =
          Arrays.stream(type.getEnumConstants())
              .map(e -> e.name().toLowerCase(Locale.ROOT))
              .toList();
      String expected = "one of " + String.join(", ", names);
      if (!v.isTextual()) {
        throw bad(key, v, expected);
      }
      String s = v.asText().strip().toLowerCase(Locale.ROOT);
      for (E e : type.getEnumConstants()) {
        if (e.name().toLowerCase(Locale.ROOT).equals(s)) {
          return e;
        }
      }
      throw bad(key, v, expected);
    }

    private static String fmt(double d) {
      return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
  }
}
