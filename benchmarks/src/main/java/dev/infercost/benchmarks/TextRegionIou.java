package dev.infercost.benchmarks;

import dev.infercost.base.InfercostException;
import dev.infercost.profile.MetricException;
import dev.infercost.profile.TaskMetric;

/**
 * Text-region agreement of a DB text detector (PaddleOCR's PP-OCR det) with the reference: its one
 * output is a probability map {@code [N, 1, H, W]}; PaddleOCR's post-processing binarizes it at
 * {@link #THRESHOLD} and takes each connected region as a text box. The score is, per image, the
 * IoU of the candidate's binary map with the reference's (1 when both are empty), mean over images.
 */
final class TextRegionIou implements TaskMetric {
  /** PaddleOCR's {@code det_db_thresh}. */
  static final float THRESHOLD = 0.3f;

  @Override
  public String name() {
    return "text-region-iou";
  }

  @Override
  public boolean higherIsBetter() {
    return true;
  }

  @Override
  public String description() {
    return "IoU of the text regions (probability >= "
        + THRESHOLD
        + ", PaddleOCR's binarization) with the reference's, mean over images";
  }

  @Override
  public Accumulator accumulator(Context context) {
    return new MeanOverImages() {
      @Override
      public void add(Batch b) throws InfercostException {
        if (b.outputs().size() != 1 || b.referenceOutputs().size() != 1) {
          throw new MetricException(
              "the model has " + b.outputs().size() + " outputs; this metric is for one map", null);
        }
        float[] r = b.referenceOutputs().get(0).toFloats();
        float[] c = b.outputs().get(0).toFloats();
        int per = r.length / b.size();
        for (int i = 0; i < b.size(); i++) {
          long both = 0;
          long either = 0;
          for (int k = i * per; k < (i + 1) * per; k++) {
            boolean x = r[k] >= THRESHOLD;
            boolean y = c[k] >= THRESHOLD;
            both += x && y ? 1 : 0;
            either += x || y ? 1 : 0;
          }
          record(either == 0 ? 1 : (double) both / either);
        }
      }
    };
  }
}
