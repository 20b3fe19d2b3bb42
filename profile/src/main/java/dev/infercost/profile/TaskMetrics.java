package dev.infercost.profile;

import dev.infercost.base.OneLine;
import dev.infercost.base.Parameter;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.jar.JarFile;

/**
 * The task metrics a run can use, by name: the built-ins ({@code top1-accuracy}, {@code cosine},
 * {@code nn-agreement}, {@code mask-iou}) and every {@link TaskMetric} that {@link ServiceLoader}
 * finds on the class path or in the given jars. Names must be unique; a plug-in may not take a
 * built-in's name.
 *
 * <p>The jars stay open while the registry is: close it after the last evaluation (a metric's
 * classes load lazily). {@code close()} is idempotent; use after close throws {@link
 * IllegalStateException}.
 */
public final class TaskMetrics implements AutoCloseable {
  private final URLClassLoader loader;
  private final Map<String, TaskMetric> byName;
  private boolean closed;

  private TaskMetrics(URLClassLoader loader, Map<String, TaskMetric> byName) {
    this.loader = loader;
    this.byName = byName;
  }

  /** The built-in metrics, in their documented order. */
  public static List<TaskMetric> builtins() {
    return BuiltinMetrics.all();
  }

  /**
   * The built-ins and the metrics found on the class path and in {@code jars}.
   *
   * @throws MetricException when a jar cannot be read, a plug-in cannot be instantiated, or two
   *     metrics share a name
   */
  public static TaskMetrics load(List<Path> jars) throws MetricException {
    List<URL> urls = new ArrayList<>();
    for (Path jar : jars) {
      urls.add(checkedJar(jar));
    }
    URLClassLoader loader =
        new URLClassLoader(urls.toArray(URL[]::new), TaskMetric.class.getClassLoader());
    try {
      Map<String, TaskMetric> byName = new TreeMap<>();
      for (TaskMetric m : builtins()) {
        byName.put(m.name(), m);
      }
      for (TaskMetric m : ServiceLoader.load(TaskMetric.class, loader)) {
        register(byName, m);
      }
      return new TaskMetrics(loader, byName);
    } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
      closeQuietly(loader);
      throw new MetricException(
          "cannot load a task metric from "
              + (jars.isEmpty() ? "the class path" : jars)
              + ": "
              + OneLine.joined(String.valueOf(e.getMessage()))
              + "; check the jar's META-INF/services/"
              + TaskMetric.class.getName()
              + " and that the class has a public no-argument constructor",
          Parameter.METRIC_CLASSPATH,
          e);
    } catch (MetricException e) {
      closeQuietly(loader);
      throw e;
    }
  }

  private static URL checkedJar(Path jar) throws MetricException {
    if (!Files.isRegularFile(jar)) {
      throw new MetricException(
          jar + ": no such jar; pass jar files holding task metrics", Parameter.METRIC_CLASSPATH);
    }
    try (JarFile j = new JarFile(jar.toFile())) {
      j.size();
      return jar.toUri().toURL();
    } catch (IOException | SecurityException e) {
      throw new MetricException(
          jar + ": cannot read as a jar: " + e.getMessage() + "; pass a jar file",
          Parameter.METRIC_CLASSPATH,
          e);
    }
  }

  private static void register(Map<String, TaskMetric> byName, TaskMetric m)
      throws MetricException {
    String name = m.name();
    if (name == null || name.isBlank() || !name.equals(name.strip()) || name.contains(" ")) {
      throw new MetricException(
          m.getClass().getName()
              + ": a task metric needs a name without spaces, got '"
              + name
              + "'",
          Parameter.METRIC_CLASSPATH);
    }
    TaskMetric other = byName.putIfAbsent(name, m);
    if (other != null) {
      throw new MetricException(
          "two task metrics are named '"
              + name
              + "': "
              + other.getClass().getName()
              + " and "
              + m.getClass().getName()
              + "; rename one or leave its jar out",
          Parameter.METRIC_CLASSPATH);
    }
  }

  private static void closeQuietly(URLClassLoader loader) {
    try {
      loader.close();
    } catch (IOException e) {
      // Nothing was handed out; the jar handles go with the loader.
    }
  }

  /** The metric names, sorted. */
  public List<String> names() {
    checkOpen();
    return List.copyOf(byName.keySet());
  }

  /**
   * The metric named {@code name}.
   *
   * @throws MetricException for an unknown name; the message lists the available ones
   */
  public TaskMetric get(String name) throws MetricException {
    checkOpen();
    TaskMetric m = byName.get(name);
    if (m == null) {
      throw new MetricException(
          "unknown task metric '"
              + name
              + "'; available: "
              + String.join(", ", byName.keySet())
              + " (add your own with a jar on the metric class path)",
          Parameter.METRIC);
    }
    return m;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("task metrics are closed");
    }
  }

  /** Closes the jars; idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      closeQuietly(loader);
    }
  }
}
