package dev.infercost.profile;

import dev.infercost.base.OneLine;
import dev.infercost.base.Parameter;
import dev.infercost.models.DType;
import dev.infercost.models.Dim;
import dev.infercost.models.Tensor;
import dev.infercost.models.TensorSpec;
import dev.infercost.profile.Preprocessing.Channels;
import dev.infercost.profile.Preprocessing.Layout;
import dev.infercost.profile.Preprocessing.Resize;
import dev.infercost.profile.Preprocessing.Size;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads a folder of PNG/JPEG images into batches for a model with one image input. Images are taken
 * in sorted order of their path relative to the folder; labels come from {@code labels.csv} ({@code
 * file,label}), else from class subfolders (sorted names, or the order of {@code classes.txt}),
 * else there are none. Only one decoded image is held at a time.
 */
final class ImageFolder {
  private ImageFolder() {}

  static final String LABELS = "labels.csv";
  private static final Set<String> IMAGES = Set.of("png", "jpg", "jpeg");
  private static final Set<String> UNSUPPORTED =
      Set.of(
          "gif", "bmp", "tif", "tiff", "webp", "heic", "heif", "avif", "ppm", "pgm", "pnm", "jp2");

  /** One image and its label ({@code -1} when unlabelled). */
  private record Item(Path file, String rel, long label) {}

  /**
   * Reads {@code dir} for a model with {@code specs}; {@code spec} is the preprocessing (else
   * {@code dir/preprocess.yaml}, else the defaults). Failures carry {@code hint}.
   */
  static EvalData load(
      Path dir, List<TensorSpec> specs, Optional<Preprocessing> spec, Parameter hint)
      throws DataException {
    Preprocessing p = spec.isPresent() ? spec.get() : nextTo(dir, hint);
    Plan plan = Plan.of(dir, specs, p, hint);
    List<Item> items = items(dir, hint);
    boolean labelled = items.get(0).label() >= 0;
    long[] labels = labelled ? items.stream().mapToLong(Item::label).toArray() : new long[0];
    List<List<Tensor>> batches = new ArrayList<>();
    int per = plan.elements();
    int rows = EvalData.batchRows(dir, specs, items.size(), hint);
    for (int start = 0; start < items.size(); start += rows) {
      int n = Math.min(rows, items.size() - start);
      float[] x = new float[n * per];
      for (int i = 0; i < n; i++) {
        Item it = items.get(start + i);
        plan.write(decode(it.file(), hint), x, i * per);
      }
      batches.add(List.of(plan.tensor(n, x)));
    }
    return new EvalData(dir.toString(), batches, labels, Optional.empty());
  }

  private static Preprocessing nextTo(Path dir, Parameter hint) throws DataException {
    Path f = dir.resolve(Preprocessing.FILE_NAME);
    return Files.isRegularFile(f) ? Preprocessing.read(f, hint) : Preprocessing.DEFAULT;
  }

  // ---- listing and labels ----

  private static List<Item> items(Path dir, Parameter hint) throws DataException {
    List<Path> top = new ArrayList<>();
    Map<String, List<Path>> classes = new LinkedHashMap<>();
    for (Path p : list(dir, hint)) {
      if (Files.isDirectory(p)) {
        List<Path> in = new ArrayList<>();
        for (Path q : list(p, hint)) {
          if (image(q, hint)) {
            in.add(q);
          }
        }
        classes.put(p.getFileName().toString(), in);
      } else if (image(p, hint)) {
        top.add(p);
      }
    }
    long count = top.size() + classes.values().stream().mapToLong(List::size).sum();
    if (count == 0) {
      throw DataException.of(
          dir,
          "holds no images (.png, .jpg, .jpeg), class folders of them, or arrays (.npy, .npz)",
          hint);
    }
    Optional<ClassNames> names = ClassNames.listed(dir.resolve(ClassNames.FILE), hint);
    Path labelsFile = dir.resolve(LABELS);
    List<Item> items = new ArrayList<>();
    if (Files.isRegularFile(labelsFile)) {
      Map<String, Long> byFile = labelsCsv(dir, labelsFile, names, hint);
      List<Path> all = new ArrayList<>(top);
      classes.values().forEach(all::addAll);
      for (Path f : all) {
        String rel = rel(dir, f);
        Long label = byFile.remove(rel);
        if (label == null) {
          throw DataException.of(
              f, "has no label in " + labelsFile + "; add a line '" + rel + ",LABEL'", hint);
        }
        items.add(new Item(f, rel, label));
      }
      if (!byFile.isEmpty()) {
        throw DataException.of(
            labelsFile,
            "names '" + byFile.keySet().iterator().next() + "', which is not an image in " + dir,
            hint);
      }
    } else if (classes.values().stream().anyMatch(l -> !l.isEmpty())) {
      if (!top.isEmpty()) {
        throw DataException.of(
            top.get(0),
            "lies next to class folders; move it into its class folder, or label every image in "
                + LABELS,
            hint);
      }
      Map<String, Long> index = new HashMap<>();
      long k = 0;
      for (String c : classes.keySet()) {
        index.put(c, k++);
      }
      for (var e : classes.entrySet()) {
        Long label = names.isPresent() ? names.get().index(e.getKey()) : index.get(e.getKey());
        if (label == null) {
          throw DataException.of(
              dir.resolve(e.getKey()),
              "class folder '" + e.getKey() + "' is not listed in " + names.get().source(),
              hint);
        }
        for (Path f : e.getValue()) {
          items.add(new Item(f, rel(dir, f), label));
        }
      }
    } else {
      for (Path f : top) {
        items.add(new Item(f, rel(dir, f), -1));
      }
    }
    items.sort((a, b) -> a.rel().compareTo(b.rel()));
    return items;
  }

  private static String rel(Path dir, Path f) {
    return dir.relativize(f).toString().replace('\\', '/');
  }

  /**
   * {@code labels.csv}: {@code file,label} per line, an optional header; label a number or name.
   */
  private static Map<String, Long> labelsCsv(
      Path dir, Path f, Optional<ClassNames> names, Parameter hint) throws DataException {
    Map<String, Long> out = new LinkedHashMap<>();
    List<String> lines = ClassNames.lines(f, hint);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      String where = "line " + (i + 1);
      String[] cells = line.split(",", -1);
      if (cells.length != 2) {
        throw DataException.of(
            f, where + " has " + cells.length + " columns; expected 'file,label'", hint);
      }
      String file = cells[0].strip();
      String label = cells[1].strip();
      if (out.isEmpty() && file.equalsIgnoreCase("file") && label.equalsIgnoreCase("label")) {
        continue;
      }
      long value =
          ClassNames.label(label, names, f, where, "list class names in " + ClassNames.FILE, hint);
      if (out.put(file, value) != null) {
        throw DataException.of(f, where + ": '" + file + "' is labelled twice", hint);
      }
    }
    return out;
  }

  /** Entries of {@code dir}, sorted, without hidden ones. */
  private static List<Path> list(Path dir, Parameter hint) throws DataException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
    } catch (IOException e) {
      throw DataException.of(dir, "cannot list: " + OneLine.joined(e.getMessage()), hint);
    }
  }

  private static String extension(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    int dot = n.lastIndexOf('.');
    return dot < 0 ? "" : n.substring(dot + 1);
  }

  /** Whether {@code p} is an image to read; an image format we do not read fails. */
  private static boolean image(Path p, Parameter hint) throws DataException {
    if (!Files.isRegularFile(p)) {
      return false;
    }
    String e = extension(p);
    if (UNSUPPORTED.contains(e)) {
      throw DataException.of(
          p, "unsupported image format '" + e + "'; convert it to PNG or JPEG", hint);
    }
    return IMAGES.contains(e);
  }

  // ---- decoding ----

  /** Decoded pixels as 0..255 floats: one plane (grey) or three (R, G, B), row-major. */
  record Pixels(int height, int width, float[][] planes) {}

  /**
   * Most pixels an image may have (a 16384 x 16384 photo); a header that claims more is refused
   * before the decoder allocates for it (a few bytes of PNG can claim 4 billion pixels).
   */
  static final long MAX_PIXELS = 1L << 28;

  static Pixels decode(Path f, Parameter hint) throws DataException {
    BufferedImage img;
    try (ImageInputStream in = ImageIO.createImageInputStream(f.toFile())) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        throw DataException.of(
            f, "not a PNG or JPEG image (no decoder recognizes its contents)", hint);
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
        if (pixels > MAX_PIXELS) {
          throw DataException.of(
              f,
              "claims "
                  + reader.getWidth(0)
                  + " x "
                  + reader.getHeight(0)
                  + " pixels, over the "
                  + MAX_PIXELS
                  + "-pixel limit; resize the image",
              hint);
        }
        img = reader.read(0);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      throw DataException.of(
          f, "cannot decode the image: " + OneLine.joined(String.valueOf(e.getMessage())), hint);
    }
    int h = img.getHeight();
    int w = img.getWidth();
    ColorModel cm = img.getColorModel();
    if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !(cm instanceof IndexColorModel)) {
      // getRGB would convert linear grey to sRGB and change the values; take the samples.
      Raster r = img.getRaster();
      float max = (1L << cm.getComponentSize(0)) - 1;
      float[] g = new float[h * w];
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          g[y * w + x] = r.getSample(x, y, 0) * 255f / max;
        }
      }
      return new Pixels(h, w, new float[][] {g});
    }
    int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
    float[][] rgb = new float[3][h * w];
    for (int i = 0; i < argb.length; i++) {
      rgb[0][i] = (argb[i] >> 16) & 0xff;
      rgb[1][i] = (argb[i] >> 8) & 0xff;
      rgb[2][i] = argb[i] & 0xff;
    }
    return new Pixels(h, w, rgb);
  }

  // ---- the resolved preprocessing ----

  /**
   * Preprocessing resolved against the model input: concrete size, channels and layout.
   *
   * @param input the input's name
   * @param dtype the input's element type: float32 or float16, or uint8 (pixel values, no scaling)
   */
  record Plan(
      String input,
      DType dtype,
      int height,
      int width,
      Channels channels,
      Layout layout,
      Resize resize,
      int shorterSide,
      float pad,
      double scale,
      double[] mean,
      double[] std) {

    int elements() {
      return channels.count() * height * width;
    }

    long[] shape(int n) {
      int c = channels.count();
      return layout == Layout.NCHW
          ? new long[] {n, c, height, width}
          : new long[] {n, height, width, c};
    }

    static Plan of(Path dir, List<TensorSpec> specs, Preprocessing p, Parameter hint)
        throws DataException {
      TensorSpec s = specs.size() == 1 ? specs.get(0) : null;
      if (s == null
          || (s.dtype() != DType.FLOAT32 && s.dtype() != DType.FLOAT16 && s.dtype() != DType.UINT8)
          || !s.rankKnown()
          || s.dims().size() != 4) {
        throw DataException.of(
            dir,
            "image data fits a model with one float32, float16 or uint8 input of rank 4 (NCHW or NHWC); this"
                + " model takes "
                + specs.stream().map(t -> t.name() + " " + t.shapeString()).toList()
                + "; use .npz",
            hint);
      }
      List<Dim> d = s.dims();
      Layout layout = p.layout().orElseGet(() -> guessLayout(d));
      Dim cDim = layout == Layout.NCHW ? d.get(1) : d.get(3);
      Dim hDim = layout == Layout.NCHW ? d.get(2) : d.get(1);
      Dim wDim = layout == Layout.NCHW ? d.get(3) : d.get(2);
      String in = "input '" + s.name() + "' " + s.shapeString();
      if (cDim.isFixed() && cDim.size() != 1 && cDim.size() != 3) {
        throw DataException.of(
            dir,
            in
                + " has "
                + cDim.size()
                + " channels in "
                + layout
                + " layout; images give 1 or 3"
                + " (set 'layout')",
            hint);
      }
      Channels ch =
          p.channels().orElse(cDim.isFixed() && cDim.size() == 1 ? Channels.GRAY : Channels.RGB);
      if (cDim.isFixed() && cDim.size() != ch.count()) {
        throw DataException.of(
            dir,
            "'channels: "
                + ch.name().toLowerCase(Locale.ROOT)
                + "' gives "
                + ch.count()
                + " channels but "
                + in
                + " takes "
                + cDim.size(),
            hint);
      }
      Size size;
      if (p.size().isPresent()) {
        size = p.size().get();
        if ((hDim.isFixed() && hDim.size() != size.height())
            || (wDim.isFixed() && wDim.size() != size.width())) {
          throw DataException.of(
              dir, "'size' " + size.height() + "x" + size.width() + " does not fit " + in, hint);
        }
      } else if (hDim.isFixed() && wDim.isFixed()) {
        size = new Size((int) hDim.size(), (int) wDim.size());
      } else {
        throw DataException.of(
            dir, in + " has no fixed height and width; set 'size' in the preprocessing", hint);
      }
      for (double[] v : List.of(p.mean(), p.std())) {
        if (v.length != 1 && v.length != ch.count()) {
          throw DataException.of(
              dir,
              "mean/std have "
                  + v.length
                  + " values but "
                  + in
                  + " takes "
                  + ch.count()
                  + " channel(s)",
              hint);
        }
      }
      boolean pixels = s.dtype() == DType.UINT8;
      if (pixels
          && ((p.scale() != 1 && p.scale() != Preprocessing.DEFAULT.scale())
              || Arrays.stream(p.mean()).anyMatch(m -> m != 0)
              || Arrays.stream(p.std()).anyMatch(sd -> sd != 1))) {
        throw DataException.of(
            dir,
            in + " takes uint8 pixels (0..255) as they are: leave out 'scale', 'mean' and 'std'",
            hint);
      }
      int longer = Math.max(size.height(), size.width());
      int shorter = p.shorterSide().orElse(longer);
      if (shorter < longer) {
        throw DataException.of(
            dir,
            "'shorter_side' "
                + shorter
                + " is smaller than the crop "
                + size.height()
                + "x"
                + size.width()
                + "; use at least "
                + longer,
            hint);
      }
      return new Plan(
          s.name(),
          s.dtype(),
          size.height(),
          size.width(),
          ch,
          layout,
          p.resize(),
          shorter,
          (float) p.pad(),
          pixels ? 1 : p.scale(),
          pixels ? new double[] {0} : p.mean(),
          pixels ? new double[] {1} : p.std());
    }

    /**
     * {@code n} images' preprocessed values as the input's tensor: float32 as they are, float16
     * rounded to the nearest half, uint8 rounded to the nearest pixel value.
     */
    Tensor tensor(int n, float[] x) {
      if (dtype != DType.UINT8) {
        return Tensor.ofFloats(input, dtype, shape(n), x);
      }
      ByteBuffer b = ByteBuffer.allocate(x.length);
      for (float v : x) {
        b.put((byte) Math.round(Math.max(0, Math.min(255, v))));
      }
      return Tensor.of(input, DType.UINT8, shape(n), b.flip());
    }

    private static Layout guessLayout(List<Dim> d) {
      if (channelLike(d.get(1))) {
        return Layout.NCHW;
      }
      return channelLike(d.get(3)) ? Layout.NHWC : Layout.NCHW;
    }

    private static boolean channelLike(Dim d) {
      return d.isFixed() && (d.size() == 1 || d.size() == 3);
    }

    /** Preprocesses one image into {@code out} from {@code offset} ({@link #elements()} floats). */
    void write(Pixels px, float[] out, int offset) {
      float[][] planes = channelsOf(px);
      int c = planes.length;
      float[][] sized = new float[c][];
      for (int k = 0; k < c; k++) {
        sized[k] = fit(planes[k], px.height(), px.width());
      }
      int hw = height * width;
      for (int k = 0; k < c; k++) {
        double m = mean.length == 1 ? mean[0] : mean[k];
        double sd = std.length == 1 ? std[0] : std[k];
        for (int i = 0; i < hw; i++) {
          float v = (float) ((sized[k][i] * scale - m) / sd);
          out[offset + (layout == Layout.NCHW ? k * hw + i : i * c + k)] = v;
        }
      }
    }

    private float[][] channelsOf(Pixels px) {
      float[][] p = px.planes();
      if (channels == Channels.GRAY) {
        if (p.length == 1) {
          return p;
        }
        float[] g = new float[p[0].length];
        for (int i = 0; i < g.length; i++) {
          g[i] = (float) (0.299 * p[0][i] + 0.587 * p[1][i] + 0.114 * p[2][i]);
        }
        return new float[][] {g};
      }
      float[][] rgb = p.length == 1 ? new float[][] {p[0], p[0], p[0]} : p;
      return channels == Channels.BGR ? new float[][] {rgb[2], rgb[1], rgb[0]} : rgb;
    }

    /** One plane of {@code ih x iw} fitted to {@code height x width}. */
    private float[] fit(float[] src, int ih, int iw) {
      float[] out = new float[height * width];
      switch (resize) {
        case STRETCH -> resample(src, ih, iw, out, height, width, 0, 0, height, width, 0, 0);
        case PAD -> {
          double s = Math.min((double) height / ih, (double) width / iw);
          int nh = clamp(Math.round(ih * s), height);
          int nw = clamp(Math.round(iw * s), width);
          Arrays.fill(out, pad);
          resample(src, ih, iw, out, nh, nw, 0, 0, nh, nw, (height - nh) / 2, (width - nw) / 2);
        }
        case CROP -> {
          double s = (double) shorterSide / Math.min(ih, iw);
          int rh = Math.max(height, (int) Math.round(ih * s));
          int rw = Math.max(width, (int) Math.round(iw * s));
          resample(
              src, ih, iw, out, rh, rw, (rh - height) / 2, (rw - width) / 2, height, width, 0, 0);
        }
      }
      return out;
    }

    private static int clamp(long v, int max) {
      return (int) Math.max(1, Math.min(max, v));
    }

    /**
     * Bilinear resize of {@code src} ({@code ih x iw}) to {@code rh x rw}, of which the rows {@code
     * top..top+n-1} and columns {@code left..left+m-1} are written to {@code out} (row length
     * {@link #width}) at {@code (oy, ox)}.
     */
    private void resample(
        float[] src,
        int ih,
        int iw,
        float[] out,
        int rh,
        int rw,
        int top,
        int left,
        int n,
        int m,
        int oy,
        int ox) {
      Axis ys = Axis.of(ih, rh, top, n);
      Axis xs = Axis.of(iw, rw, left, m);
      for (int y = 0; y < n; y++) {
        int r0 = ys.i0[y] * iw;
        int r1 = ys.i1[y] * iw;
        double wy = ys.w[y];
        for (int x = 0; x < m; x++) {
          double wx = xs.w[x];
          double a = src[r0 + xs.i0[x]] * (1 - wx) + src[r0 + xs.i1[x]] * wx;
          double b = src[r1 + xs.i0[x]] * (1 - wx) + src[r1 + xs.i1[x]] * wx;
          out[(oy + y) * width + ox + x] = (float) (a * (1 - wy) + b * wy);
        }
      }
    }
  }

  /**
   * Bilinear sampling positions along one axis, half-pixel centres: output {@code o} reads input
   * {@code (o + 0.5) * in / out - 0.5}, clamped to the edges.
   */
  private record Axis(int[] i0, int[] i1, double[] w) {
    static Axis of(int in, int out, int from, int count) {
      int[] i0 = new int[count];
      int[] i1 = new int[count];
      double[] w = new double[count];
      double ratio = (double) in / out;
      for (int k = 0; k < count; k++) {
        double s = Math.min(in - 1, Math.max(0, (from + k + 0.5) * ratio - 0.5));
        int lo = (int) Math.floor(s);
        i0[k] = lo;
        i1[k] = Math.min(lo + 1, in - 1);
        w[k] = s - lo;
      }
      return new Axis(i0, i1, w);
    }
  }
}
