package io.brazier.sync.map;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The maps in force, reloaded when their directory changes: it is read every {@code interval}, and a change (any
 * file added, removed or edited, by content) is loaded, checked and prepared on the target (its tables created or
 * altered) before it replaces the maps in force. A set that fails is refused as a whole: the previous maps stay, and
 * {@link #error()} says which file and field to fix. The built-in maps never change.
 */
public final class MapWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MapWatcher.class);

  private final MapLoader loader;
  private final Path dir;
  private final Consumer<MapSet> prepare;
  private final ScheduledExecutorService timer;
  private volatile MapSet current;
  private volatile String error;
  private volatile Instant loadedAt;
  private String fingerprint;

  /**
   * Loads the maps once: bad maps at start are an error here, as the agent has nothing to run with. The target is
   * not asked (it may be down): {@link #prepare} readies it for them.
   *
   * @param dir the directory of the maps; null for the built-in ones
   * @param prepare readies the target for a set of maps (creates and alters its tables); throws to refuse it
   */
  public MapWatcher(MapLoader loader, Path dir, Consumer<MapSet> prepare) throws IOException {
    this.loader = loader;
    this.dir = dir;
    this.prepare = prepare;
    MapLoader.MapFiles files = dir == null ? MapLoader.builtIn() : MapLoader.directory(dir);
    MapSet maps = loader.load(files);
    this.current = maps;
    this.fingerprint = files.fingerprint();
    this.loadedAt = Instant.now();
    this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "sync-maps");
      thread.setDaemon(true);
      return thread;
    });
    log.info("Sync maps loaded from={} maps={} types={}", maps.origin(), maps.all().size(), maps.types().size());
  }

  /** Starts looking for changes every {@code interval}. */
  public MapWatcher watch(Duration interval) {
    if (dir != null) {
      timer.scheduleWithFixedDelay(this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }
    return this;
  }

  /**
   * Readies the target for the maps in force (creates and alters their tables), as a change of them does.
   *
   * @throws RuntimeException when the target cannot take them (it is down, or a column has another type)
   */
  public synchronized void prepare() {
    prepare.accept(current);
  }

  /** The maps in force. */
  public MapSet current() {
    return current;
  }

  /** Why the latest change of the maps was refused, naming the file and field; null when it is in force. */
  public String error() {
    return error;
  }

  /** When the maps in force were loaded. */
  public Instant loadedAt() {
    return loadedAt;
  }

  /** Loads the directory if it changed; synchronized so that a test's call and the timer's do not overlap. */
  synchronized void check() {
    MapLoader.MapFiles files;
    try {
      files = MapLoader.directory(dir);
    } catch (IOException e) {
      refuse(e.getMessage(), null);
      return;
    }
    if (files.fingerprint().equals(fingerprint)) {
      return;
    }
    try {
      MapSet maps = loader.load(files);
      prepare.accept(maps);
      current = maps;
      loadedAt = Instant.now();
      error = null;
      fingerprint = files.fingerprint();
      log.info("Sync maps reloaded from={} maps={} types={}", maps.origin(), maps.all().size(), maps.types().size());
    } catch (MapException e) {
      refuse(e.getMessage(), files.fingerprint());
    } catch (RuntimeException e) {
      // The target could not take them (it is down, say): the files may be fine, so they are tried again.
      refuse("The maps could not be applied to the target: " + e.getMessage(), null);
    }
  }

  private void refuse(String message, String refusedFingerprint) {
    if (!message.equals(error)) {
      log.warn("Sync maps refused, the previous maps stay in force: {}", message);
    }
    error = message;
    if (refusedFingerprint != null) {
      fingerprint = refusedFingerprint;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
