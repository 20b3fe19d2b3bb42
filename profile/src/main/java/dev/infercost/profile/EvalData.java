package dev.infercost.profile;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.infercost.base.InfercostException;
import dev.infercost.base.InputFiles;
import dev.infercost.base.Parameter;
import dev.infercost.models.DType;
import dev.infercost.models.Dim;
import dev.infercost.models.Tensor;
import dev.infercost.models.TensorSpec;
import dev.infercost.profile.internal.Inputs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Evaluation (or calibration) data as ready-to-run batches for one model's inputs, with optional
 * labels. Read with {@link #load}: {@code .npy}/{@code .npz} files or a folder of them (arrays
 * named after the inputs, optional {@code label}), CSV (header row, float features, a {@code label}
 * column), text (one sentence per line, or labelled sentences and pairs in a {@link TextTable},
 * tokenized with a HuggingFace {@code tokenizer.json}), or a folder of PNG/JPEG images (labels from
 * class subfolders or {@code labels.csv}, preprocessed as {@link Preprocessing} says). Image data
 * holds one decoded image at a time while reading, and every preprocessed tensor afterwards (4 x C
 * x H x W bytes per image), like the other formats.
 *
 * @param source the data path
 * @param batches input tensors per batch, in model input order
 * @param labels one label per sample, or empty
 * @param maskInput name of the attention-mask input used for mean pooling, if any
 * @param idsInput name of the token-ids input of text data, if it has exactly one (a language
 *     model's next tokens are read from it)
 */
public record EvalData(
    String source,
    List<List<Tensor>> batches,
    long[] labels,
    Optional<String> maskInput,
    Optional<String> idsInput) {

  /** Rows per batch for array and CSV data. */
  static final int BATCH = 64;

  /** Longest token sequence fed to a text model. */
  static final int MAX_TOKENS = 128;

  public EvalData {
    batches = List.copyOf(batches);
    labels = labels.clone();
  }

  /** Data without token ids (arrays, CSV, images). */
  public EvalData(
      String source, List<List<Tensor>> batches, long[] labels, Optional<String> maskInput) {
    this(source, batches, labels, maskInput, Optional.empty());
  }

  public int samples() {
    return rows(batches);
  }

  private static int rows(List<List<Tensor>> batches) {
    return batches.stream().mapToInt(EvalData::samplesIn).sum();
  }

  /**
   * Samples in one batch of model inputs: dim 0 of the first input that has a dim (a scalar input,
   * such as an audio model's sample rate, has none), else 1.
   */
  public static int samplesIn(List<Tensor> batch) {
    return batch.stream()
        .filter(t -> t.shape().length > 0)
        .findFirst()
        .map(t -> (int) t.shape()[0])
        .orElse(1);
  }

  /** The first {@code n} batches (text data: one sample per batch), with their labels. */
  public EvalData firstBatches(int n) {
    List<List<Tensor>> first = batches.subList(0, Math.min(n, batches.size()));
    long[] own = labels.length == 0 ? labels : Arrays.copyOfRange(labels, 0, rows(first));
    return new EvalData(source, first, own, maskInput, idsInput);
  }

  /**
   * The same data with its first batch cut at half the samples when it holds more than that, so
   * that splitting it into calibration and evaluation data at a batch boundary leaves half of it to
   * each (64 and 1 samples were split 64 / 1). Inputs without the first batch's rows in dim 0 (a
   * sample rate, a shared table) go whole into both parts. Not for a model whose batch size is
   * fixed: its batches must keep their size.
   */
  public EvalData balanced() {
    int n = samples();
    int rows = batches.isEmpty() ? 0 : samplesIn(batches.get(0));
    if (n < 2 || rows <= n / 2) {
      return this;
    }
    int half = n / 2;
    List<Tensor> first = new ArrayList<>();
    List<Tensor> second = new ArrayList<>();
    for (Tensor t : batches.get(0)) {
      long[] s = t.shape();
      if (s.length == 0 || s[0] != rows || t.dtype().bytes() == 0) {
        first.add(t);
        second.add(t);
        continue;
      }
      int row = (int) (Tensor.elementCount(s) / rows * t.dtype().bytes());
      first.add(rows(t, 0, half, row));
      second.add(rows(t, half, rows, row));
    }
    List<List<Tensor>> cut = new ArrayList<>(List.of(first, second));
    cut.addAll(batches.subList(1, batches.size()));
    return new EvalData(source, cut, labels, maskInput, idsInput);
  }

  /** Rows {@code [from, to)} of {@code t}, {@code row} bytes each. */
  private static Tensor rows(Tensor t, int from, int to, int row) {
    long[] s = t.shape().clone();
    s[0] = to - from;
    ByteBuffer b = t.data().duplicate();
    b.position(from * row).limit(to * row);
    return Tensor.of(t.name(), t.dtype(), s, b);
  }

  /** All but the first {@code n} batches, with their labels. */
  public EvalData drop(int n) {
    int k = Math.min(n, batches.size());
    int rows = rows(batches.subList(0, k));
    long[] rest = labels.length == 0 ? labels : Arrays.copyOfRange(labels, rows, labels.length);
    return new EvalData(
        source + " (after the first " + rows + (rows == 1 ? " sample)" : " samples)"),
        batches.subList(k, batches.size()),
        rest,
        maskInput,
        idsInput);
  }

  /**
   * Reads {@code data} for a model with {@code specs}. {@code tokenizer} is needed for text; it is
   * ignored otherwise. Image folders use their {@code preprocess.yaml}, else the defaults.
   */
  public static EvalData load(Path data, List<TensorSpec> specs, Optional<Path> tokenizer)
      throws DataException {
    return load(data, specs, tokenizer, Optional.empty(), Parameter.EVAL_DATA);
  }

  /**
   * Reads {@code data} for a model with {@code specs}: arrays, CSV, text, or a folder of PNG/JPEG
   * images (see {@link Preprocessing} and {@code profile/README.md}). {@code preprocessing}
   * overrides an image folder's {@code preprocess.yaml}; given for other data, it fails. Image
   * errors name the image and carry {@code hint} ({@link Parameter#EVAL_DATA} or {@link
   * Parameter#CALIBRATION_DATA}).
   */
  public static EvalData load(
      Path data,
      List<TensorSpec> specs,
      Optional<Path> tokenizer,
      Optional<Preprocessing> preprocessing,
      Parameter hint)
      throws DataException {
    return checked(data, read(data, specs, tokenizer, preprocessing, hint), hint);
  }

  /**
   * Refuses data a run would silently mis-measure: no samples (a mean over nothing), NaN or
   * infinite values (every figure NaN, every calibration range lost), negative labels.
   */
  private static EvalData checked(Path data, EvalData d, Parameter hint) throws DataException {
    if (d.samples() == 0) {
      throw DataException.of(data, "holds no samples; give at least one", hint);
    }
    for (List<Tensor> batch : d.batches()) {
      for (Tensor t : batch) {
        if (!finite(t)) {
          throw DataException.of(
              data,
              "'"
                  + t.name()
                  + "' holds NaN or infinite values; give finite numbers (clean or drop those"
                  + " samples)",
              hint);
        }
      }
    }
    for (long l : d.labels()) {
      if (l < 0) {
        throw DataException.of(
            data, "label " + l + " is negative; labels are class indices 0, 1, 2, ...", hint);
      }
    }
    return d;
  }

  private static boolean finite(Tensor t) {
    ByteBuffer b = t.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    switch (t.dtype()) {
      case FLOAT32 -> {
        for (int i = b.position(); i + 4 <= b.limit(); i += 4) {
          if (!Float.isFinite(b.getFloat(i))) {
            return false;
          }
        }
      }
      case FLOAT64 -> {
        for (int i = b.position(); i + 8 <= b.limit(); i += 8) {
          if (!Double.isFinite(b.getDouble(i))) {
            return false;
          }
        }
      }
      case FLOAT16, BFLOAT16 -> {
        int exponent = t.dtype() == DType.FLOAT16 ? 0x7C00 : 0x7F80;
        for (int i = b.position(); i + 2 <= b.limit(); i += 2) {
          if ((b.getShort(i) & exponent) == exponent) {
            return false;
          }
        }
      }
      default -> {
        // Integers and booleans are always finite.
      }
    }
    return true;
  }

  private static EvalData read(
      Path data,
      List<TensorSpec> specs,
      Optional<Path> tokenizer,
      Optional<Preprocessing> preprocessing,
      Parameter hint)
      throws DataException {
    if (!Files.exists(data)) {
      throw DataException.of(data, "no such file or folder", hint);
    }
    try {
      InputFiles.requireRegular(data);
    } catch (InfercostException e) {
      throw new DataException(e.getMessage(), hint);
    }
    String name = data.getFileName().toString().toLowerCase(Locale.ROOT);
    if (Files.isDirectory(data)) {
      List<Path> arrays = arrayFiles(data);
      if (arrays.isEmpty()) {
        return ImageFolder.load(data, specs, preprocessing, hint);
      }
      notImages(data, preprocessing, hint);
      return arrays(data, specs, arrays);
    }
    notImages(data, preprocessing, hint);
    if (name.endsWith(".npz") || name.endsWith(".npy")) {
      return arrays(data, specs, List.of(data));
    }
    if (name.endsWith(".csv") && !TextTable.namesText(data) && idsName(specs).isEmpty()) {
      return csv(data, specs);
    }
    if (Stream.of(".txt", ".csv", ".tsv", ".jsonl").anyMatch(name::endsWith)) {
      return text(
          data,
          specs,
          tokenizer.orElseThrow(
              () ->
                  DataException.of(
                      data,
                      "text data needs a tokenizer; pass a tokenizer.json",
                      Parameter.TOKENIZER)),
          hint);
    }
    throw DataException.of(
        data,
        "unknown data format; use .npz/.npy (or a folder), .csv, .txt, .tsv, .jsonl, or a folder"
            + " of PNG/JPEG images");
  }

  private static void notImages(Path data, Optional<Preprocessing> p, Parameter hint)
      throws DataException {
    if (p.isPresent()) {
      throw DataException.of(
          data,
          "is not an image folder, so image preprocessing does not apply; put the spec in the"
              + " image folder's "
              + Preprocessing.FILE_NAME
              + " instead",
          hint);
    }
  }

  /** The {@code .npy}/{@code .npz} files in {@code dir}, sorted (maybe none). */
  private static List<Path> arrayFiles(Path dir) throws DataException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".npy") || p.toString().endsWith(".npz"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw DataException.of(dir, "cannot list: " + e.getMessage());
    }
  }

  private static EvalData arrays(Path source, List<TensorSpec> specs, List<Path> files)
      throws DataException {
    List<Map<String, Tensor>> read = new ArrayList<>();
    for (Path f : files) {
      read.add(TensorFiles.read(f));
    }
    if (files.size() > 1 && read.stream().allMatch(m -> holdsEveryInput(m, specs))) {
      return calls(source, specs, files, read);
    }
    Map<String, Tensor> all = new LinkedHashMap<>();
    for (int i = 0; i < files.size(); i++) {
      for (var e : read.get(i).entrySet()) {
        if (all.put(e.getKey(), e.getValue()) != null) {
          throw DataException.of(
              files.get(i), "array '" + e.getKey() + "' appears in more than one file");
        }
      }
    }
    Tensor label = all.remove("label");
    // A fixed dim 0 is the model's batch size, not the sample count: the data is split into
    // batches of it below, so it is not checked against the whole file.
    List<Tensor> inputs = Inputs.fromData(source.toString(), anyRows(specs), all, null);
    long rows = samplesIn(inputs);
    for (Tensor t : inputs) {
      if (t.shape().length == 0 || t.shape()[0] != rows) {
        throw DataException.of(
            source,
            "arrays disagree on the sample count: '"
                + inputs.get(0).name()
                + "' has "
                + rows
                + " rows, '"
                + t.name()
                + "' has shape "
                + Arrays.toString(t.shape())
                + "; give inputs with samples along dim 0, or one .npz per call in a folder"
                + " (every input in each file, fed as it is: scalars, state with its batch on"
                + " another axis)");
      }
    }
    long[] labels = label == null ? new long[0] : labels(source, label, rows);
    return new EvalData(
        source.toString(),
        split(inputs, rows, batchRows(source, specs, rows, null)),
        labels,
        maskName(specs),
        idsName(specs));
  }

  private static boolean holdsEveryInput(Map<String, Tensor> arrays, List<TensorSpec> specs) {
    return specs.stream().allMatch(s -> arrays.containsKey(s.name()));
  }

  /**
   * A folder of {@code .npz} files that each hold every input: one model call per file, fed as it
   * is (no re-batching), for models whose inputs do not all carry the samples along dim 0 (a scalar
   * sample rate, a recurrent state of shape [layers, batch, hidden]) or whose calls differ in
   * length. A {@code label} array, in every file or in none, labels the call's samples.
   */
  private static EvalData calls(
      Path source, List<TensorSpec> specs, List<Path> files, List<Map<String, Tensor>> read)
      throws DataException {
    List<List<Tensor>> batches = new ArrayList<>();
    List<Long> labels = new ArrayList<>();
    boolean labelled = read.get(0).containsKey("label");
    for (int i = 0; i < files.size(); i++) {
      Map<String, Tensor> arrays = new LinkedHashMap<>(read.get(i));
      Tensor label = arrays.remove("label");
      if ((label != null) != labelled) {
        throw DataException.of(
            files.get(i),
            (labelled ? "has no 'label' array, which " : "has a 'label' array, which no ")
                + files.get(0).getFileName()
                + (labelled ? " has" : "")
                + "; label every file or none");
      }
      Set<String> extra = new HashSet<>(arrays.keySet());
      specs.forEach(s -> extra.remove(s.name()));
      if (!extra.isEmpty()) {
        throw DataException.of(
            files.get(i),
            "array '"
                + extra.stream().sorted().findFirst().orElseThrow()
                + "' is not an input of the model; each file holds one call's inputs (and an"
                + " optional 'label')");
      }
      List<Tensor> batch = Inputs.fromData(files.get(i).toString(), specs, arrays, null);
      batches.add(batch);
      if (label != null) {
        for (long l : labels(files.get(i), label, samplesIn(batch))) {
          labels.add(l);
        }
      }
    }
    return new EvalData(
        source.toString(),
        batches,
        labels.stream().mapToLong(Long::longValue).toArray(),
        maskName(specs),
        idsName(specs));
  }

  private static long[] labels(Path source, Tensor label, long rows) throws DataException {
    if (label.shape().length != 1 || label.shape()[0] != rows) {
      throw DataException.of(
          source,
          "'label' has shape " + Arrays.toString(label.shape()) + "; expected [" + rows + "]");
    }
    float[] f = label.toFloats();
    long[] out = new long[f.length];
    for (int i = 0; i < f.length; i++) {
      out[i] = (long) f[i];
      if (out[i] != f[i]) {
        throw DataException.of(
            source,
            "'label' "
                + f[i]
                + " at row "
                + i
                + " is not a whole number; labels are class indices");
      }
    }
    return out;
  }

  /**
   * Rows per batch for a model with {@code specs}: the fixed dim 0 of its inputs (a model exported
   * with batch 1 runs one sample at a time), else {@link #BATCH}. Failures carry {@code hint} (may
   * be null).
   *
   * @throws DataException when inputs fix different batch sizes, or {@code rows} samples do not
   *     fill whole batches of the fixed size
   */
  static int batchRows(Path source, List<TensorSpec> specs, long rows, Parameter hint)
      throws DataException {
    long fixed = -1;
    for (TensorSpec s : specs) {
      if (s.rankKnown() && !s.dims().isEmpty() && s.dims().get(0).isFixed()) {
        long k = s.dims().get(0).size();
        if (fixed > 0 && k != fixed) {
          throw DataException.of(
              source,
              "the model's inputs fix different batch sizes ("
                  + fixed
                  + " and "
                  + k
                  + "); evaluation needs one",
              hint);
        }
        fixed = k;
      }
    }
    if (fixed <= 0) {
      return BATCH;
    }
    if (rows % fixed != 0) {
      throw DataException.of(
          source,
          rows
              + " samples do not fill whole batches of "
              + fixed
              + " (the model's fixed batch size); give a multiple of "
              + fixed,
          hint);
    }
    return (int) fixed;
  }

  /** {@code specs} with every dim 0 left open, for checking a file of many batches. */
  private static List<TensorSpec> anyRows(List<TensorSpec> specs) {
    List<TensorSpec> out = new ArrayList<>();
    for (TensorSpec s : specs) {
      if (s.rankKnown() && !s.dims().isEmpty() && s.dims().get(0).isFixed()) {
        List<Dim> d = new ArrayList<>(s.dims());
        d.set(0, Dim.unknown());
        out.add(new TensorSpec(s.name(), s.dtype(), d, true));
      } else {
        out.add(s);
      }
    }
    return out;
  }

  /** Splits row-aligned tensors into batches of {@code per} rows. */
  private static List<List<Tensor>> split(List<Tensor> inputs, long rows, int per) {
    List<List<Tensor>> batches = new ArrayList<>();
    for (long start = 0; start < rows; start += per) {
      long n = Math.min(per, rows - start);
      List<Tensor> batch = new ArrayList<>();
      for (Tensor t : inputs) {
        long[] shape = t.shape();
        long rowBytes = Tensor.elementCount(shape) / shape[0] * t.dtype().bytes();
        ByteBuffer b =
            t.data().position((int) (start * rowBytes)).limit((int) ((start + n) * rowBytes));
        shape[0] = n;
        batch.add(Tensor.of(t.name(), t.dtype(), shape, b));
      }
      batches.add(batch);
    }
    return batches;
  }

  private static EvalData csv(Path file, List<TensorSpec> specs) throws DataException {
    if (specs.size() != 1 || specs.get(0).dtype() != DType.FLOAT32) {
      throw DataException.of(file, "CSV data fits models with one float32 input; use .npz");
    }
    List<String> lines;
    try {
      lines =
          Files.readAllLines(file, StandardCharsets.UTF_8).stream()
              .filter(l -> !l.isBlank())
              .toList();
    } catch (IOException e) {
      throw DataException.of(file, "cannot read: " + e.getMessage());
    }
    if (lines.size() < 2) {
      throw DataException.of(file, "needs a header row and at least one data row");
    }
    String[] header = lines.get(0).split(",", -1);
    int labelCol = -1;
    for (int i = 0; i < header.length; i++) {
      if (header[i].trim().equalsIgnoreCase("label")) {
        labelCol = i;
      }
    }
    int features = header.length - (labelCol >= 0 ? 1 : 0);
    TensorSpec spec = specs.get(0);
    long[] rowShape = rowShape(file, spec, features);
    int rows = lines.size() - 1;
    float[] x = new float[rows * features];
    long[] labels = labelCol >= 0 ? new long[rows] : new long[0];
    for (int r = 0; r < rows; r++) {
      String[] cells = lines.get(r + 1).split(",", -1);
      if (cells.length != header.length) {
        throw DataException.of(
            file,
            "line "
                + (r + 2)
                + " has "
                + cells.length
                + " columns; the header has "
                + header.length);
      }
      int k = 0;
      for (int c = 0; c < cells.length; c++) {
        try {
          if (c == labelCol) {
            labels[r] = Long.parseLong(cells[c].trim());
          } else {
            x[r * features + k++] = Float.parseFloat(cells[c].trim());
          }
        } catch (NumberFormatException e) {
          throw DataException.of(
              file,
              "line " + (r + 2) + ", column " + (c + 1) + ": '" + cells[c] + "' is not a number");
        }
      }
    }
    long[] shape = new long[rowShape.length + 1];
    shape[0] = rows;
    System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
    Tensor t = Tensor.ofFloats(spec.name(), shape, x);
    return new EvalData(
        file.toString(),
        split(List.of(t), rows, batchRows(file, specs, rows, null)),
        labels,
        Optional.empty());
  }

  /** The per-row shape of the input, which must hold {@code features} values. */
  private static long[] rowShape(Path file, TensorSpec spec, int features) throws DataException {
    List<Dim> dims = spec.dims().subList(Math.min(1, spec.dims().size()), spec.dims().size());
    long[] s = dims.stream().mapToLong(d -> d.isFixed() ? d.size() : -1).toArray();
    long n = 1;
    for (long d : s) {
      n *= d;
    }
    if (s.length == 0 || n <= 0 || n != features) {
      throw DataException.of(
          file,
          features
              + " feature columns do not fit input '"
              + spec.name()
              + "' "
              + spec.shapeString());
    }
    return s;
  }

  /**
   * Text data: one sentence per line of a {@code .txt} file, or the rows of a {@link TextTable}
   * with their labels (class indices, or names as {@code classes.txt} beside the data lists them,
   * else as the {@code id2label} of the {@code config.json} beside the tokenizer) and second texts.
   */
  private static EvalData text(
      Path file, List<TensorSpec> specs, Path tokenizerFile, Parameter hint) throws DataException {
    List<TextTable.Row> rows = rows(file);
    long[] labels = new long[0];
    if (rows.get(0).label() != null) {
      Optional<ClassNames> names = ClassNames.listed(file.resolveSibling(ClassNames.FILE), hint);
      if (names.isEmpty() && rows.stream().anyMatch(r -> !r.label().matches("\\d{1,18}"))) {
        names = ClassNames.id2label(tokenizerFile.resolveSibling("config.json"), hint);
      }
      labels = new long[rows.size()];
      for (int i = 0; i < labels.length; i++) {
        TextTable.Row r = rows.get(i);
        labels[i] =
            ClassNames.label(
                r.label(),
                names,
                file,
                "line " + r.line(),
                "list the model's classes in order, one per line, in "
                    + file.resolveSibling(ClassNames.FILE),
                hint);
      }
    }
    TokenizerFile.check(tokenizerFile);
    String batchSymbol = batchSymbol(specs);
    Map<TensorSpec, TextFeed> feeds = textFeeds(file, specs, batchSymbol);
    List<List<Tensor>> batches = new ArrayList<>();
    Set<Long> wordIds = new HashSet<>();
    Set<String> words = new HashSet<>();
    try (HuggingFaceTokenizer tok =
        HuggingFaceTokenizer.builder()
            .optTokenizerPath(tokenizerFile)
            .optMaxLength(MAX_TOKENS)
            .optTruncation(true)
            .optPadding(false)
            .build()) {
      for (TextTable.Row row : rows) {
        Encoding e =
            row.pair() == null ? tok.encode(row.text()) : tok.encode(row.text(), row.pair());
        long[] ids = e.getIds();
        long[] special = e.getSpecialTokenMask();
        for (int i = 0; i < ids.length; i++) {
          if (special[i] == 0) {
            wordIds.add(ids[i]);
          }
        }
        String both = row.pair() == null ? row.text() : row.text() + " " + row.pair();
        words.addAll(Arrays.asList(both.toLowerCase(Locale.ROOT).split("\\s+")));
        List<Tensor> batch = new ArrayList<>();
        feeds.forEach((s, feed) -> batch.add(feed.tensor(s, e, batchSymbol)));
        batches.add(batch);
      }
    } catch (IOException | RuntimeException e) {
      throw DataException.of(
          tokenizerFile, "cannot use as a HuggingFace tokenizer.json: " + e.getMessage());
    }
    if (wordIds.size() < Math.min(2, words.size())) {
      // Different words, at most one token for all of them: every word is the unknown token.
      throw DataException.of(
          tokenizerFile,
          "turns the "
              + words.size()
              + " different words of "
              + file.getFileName()
              + " into "
              + wordIds.size()
              + " token(s); its vocabulary looks empty; pass the model's own tokenizer.json",
          Parameter.TOKENIZER);
    }
    return new EvalData(file.toString(), batches, labels, maskName(specs), idsName(specs));
  }

  /** The sentences of a {@code .txt} file (one per line), else of a {@link TextTable}. */
  private static List<TextTable.Row> rows(Path file) throws DataException {
    if (!file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".txt")) {
      return TextTable.read(file);
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw DataException.of(file, "cannot read: " + e.getMessage());
    }
    List<TextTable.Row> rows = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).isBlank()) {
        rows.add(new TextTable.Row(i + 1, lines.get(i).strip(), null, null));
      }
    }
    if (rows.isEmpty()) {
      throw DataException.of(file, "holds no sentences (one per line expected)");
    }
    return rows;
  }

  /**
   * What a text model's input takes for each sentence, from its name and type: token ids (an
   * integer input named for nothing else), the attention mask, token type ids (each {@code [1,
   * n]}), position ids 0..n-1 ({@code [1, n]}, or {@code [n]} as {@code cache_position} takes
   * them), an empty key/value cache (a float input named past or cache, as decoders exported with
   * their cache take it) or {@code use_cache_branch} false (Optimum's merged decoders: the branch
   * without a cache). Anything else is refused with the input named: an integer input of another
   * rank, or one named for a cache or a length ({@code past_sequence_length}, {@code
   * num_logits_to_keep}).
   */
  private static Map<TensorSpec, TextFeed> textFeeds(
      Path file, List<TensorSpec> specs, String batch) throws DataException {
    Map<TensorSpec, TextFeed> out = new LinkedHashMap<>();
    for (TensorSpec s : specs) {
      TextFeed feed = TextFeed.of(s, batch);
      if (feed == null) {
        throw DataException.of(
            file,
            "text data gives a model token ids, attention masks, token type ids, position ids and"
                + " an empty key/value cache; input '"
                + s.name()
                + "' ("
                + s.dtype().label()
                + " "
                + s.shapeString()
                + ") is none of these; give every input as arrays instead (.npz, one file per"
                + " call)");
      }
      out.put(s, feed);
    }
    return out;
  }

  /** The symbol of the token ids' batch dim (dim 0 of the first integer input), or null. */
  private static String batchSymbol(List<TensorSpec> specs) {
    return specs.stream()
        .filter(s -> s.dtype() == DType.INT64 || s.dtype() == DType.INT32)
        .filter(s -> !s.dims().isEmpty() && !s.dims().get(0).isFixed())
        .map(s -> s.dims().get(0).symbol())
        .findFirst()
        .orElse(null);
  }

  /** How one input of a text model is filled for a sentence; see {@link #textFeeds}. */
  private enum TextFeed {
    IDS,
    MASK,
    TYPES,
    POSITIONS,
    EMPTY_CACHE,
    NO_CACHE;

    /** The feed for {@code s}, or {@code null}; {@code batch}: the ids' batch dim symbol. */
    static TextFeed of(TensorSpec s, String batch) {
      String n = s.name().toLowerCase(Locale.ROOT);
      boolean integer = s.dtype() == DType.INT64 || s.dtype() == DType.INT32;
      if (integer) {
        TextFeed f =
            n.contains("position")
                ? POSITIONS
                : n.contains("mask")
                    ? MASK
                    : n.contains("type")
                        ? TYPES
                        : Stream.of("past", "cache", "length", "keep").anyMatch(n::contains)
                            ? null
                            : IDS;
        int rank = s.dims().size();
        return !s.rankKnown() || rank == 2 || f == POSITIONS && rank == 1 ? f : null;
      }
      if (Inputs.holdsCache(s) && cacheShape(s, batch) != null) {
        return EMPTY_CACHE;
      }
      boolean one = s.dims().stream().allMatch(d -> d.isFixed() && d.size() == 1);
      return s.dtype() == DType.BOOL && n.contains("cache") && one ? NO_CACHE : null;
    }

    /**
     * {@code s}'s shape with no cached step: 1 for the batch dim (the ids' batch symbol, or dim 0),
     * 0 for the one other dim that is not fixed; {@code null} when there is not exactly one.
     */
    static long[] cacheShape(TensorSpec s, String batch) {
      long[] shape = new long[s.dims().size()];
      int open = 0;
      for (int i = 0; i < shape.length; i++) {
        Dim d = s.dims().get(i);
        if (d.isFixed()) {
          shape[i] = d.size();
        } else if (i == 0 || d.symbol() != null && d.symbol().equals(batch)) {
          shape[i] = 1;
        } else {
          shape[i] = 0;
          open++;
        }
      }
      return s.rankKnown() && open == 1 ? shape : null;
    }

    Tensor tensor(TensorSpec s, Encoding e, String batch) {
      long[] ids = e.getIds();
      long[] row = {1, ids.length};
      return switch (this) {
        case IDS -> integers(s, row, ids);
        case MASK -> integers(s, row, e.getAttentionMask());
        case TYPES -> integers(s, row, e.getTypeIds());
        case POSITIONS -> {
          long[] at = new long[ids.length];
          Arrays.setAll(at, i -> i);
          boolean flat = s.rankKnown() && s.dims().size() == 1;
          yield integers(s, flat ? new long[] {ids.length} : row, at);
        }
        case EMPTY_CACHE ->
            Tensor.of(s.name(), s.dtype(), cacheShape(s, batch), ByteBuffer.allocateDirect(0));
        case NO_CACHE -> {
          long[] shape = new long[s.dims().size()];
          Arrays.fill(shape, 1);
          yield Tensor.of(s.name(), DType.BOOL, shape, ByteBuffer.allocateDirect(1));
        }
      };
    }

    /** {@code values} as an int64 or int32 tensor, as {@code s} takes them. */
    private static Tensor integers(TensorSpec s, long[] shape, long[] values) {
      if (s.dtype() == DType.INT64) {
        return Tensor.ofLongs(s.name(), shape, values);
      }
      ByteBuffer b = ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (long v : values) {
        b.putInt(Math.toIntExact(v));
      }
      return Tensor.of(s.name(), DType.INT32, shape, b.flip());
    }
  }

  private static Optional<String> maskName(List<TensorSpec> specs) {
    return specs.stream()
        .map(TensorSpec::name)
        .filter(n -> n.toLowerCase(Locale.ROOT).contains("mask"))
        .findFirst();
  }

  /** The one input that text data fills with token ids, if there is exactly one. */
  private static Optional<String> idsName(List<TensorSpec> specs) {
    String batch = batchSymbol(specs);
    List<String> ids =
        specs.stream()
            .filter(s -> TextFeed.of(s, batch) == TextFeed.IDS)
            .map(TensorSpec::name)
            .toList();
    return ids.size() == 1 ? Optional.of(ids.get(0)) : Optional.empty();
  }
}
