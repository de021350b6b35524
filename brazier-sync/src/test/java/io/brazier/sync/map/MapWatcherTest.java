package io.brazier.sync.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.search.FhirPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MapWatcherTest {
  private static final Fhir FHIR = new Fhir(false);
  private static final MapLoader LOADER = new MapLoader(new MapReader(FHIR, new FhirPath(FHIR)));
  private static final String DEVICE = """
      {"resource": "Device", "table": "msemr_device", "attributes": [{"column": "msemr_status", "path": "status"}]}""";
  private final List<MapSet> prepared = new ArrayList<>();

  @Test
  void aChangedFileIsLoadedAndPreparedBeforeItReplacesTheMaps(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("device.json"), DEVICE);
    MapWatcher watcher = new MapWatcher(LOADER, dir, prepared::add);
    watcher.prepare();

    Files.writeString(dir.resolve("device.json"), DEVICE.replace("\"path\": \"status\"}",
        "\"path\": \"status\"}, {\"column\": \"msemr_lot\", \"path\": \"lotNumber\"}"));
    watcher.check();

    assertThat(watcher.current().root("Device").columns()).extracting(AttributeMap::column)
        .containsExactly("msemr_status", "msemr_lot");
    assertThat(prepared).hasSize(2).last().isSameAs(watcher.current());
    assertThat(watcher.error()).isNull();
  }

  @Test
  void aBadFileIsRefusedAndThePreviousMapsStayUntilItIsFixed(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("device.json"), DEVICE);
    MapWatcher watcher = new MapWatcher(LOADER, dir, prepared::add);
    MapSet before = watcher.current();

    Files.writeString(dir.resolve("device.json"), DEVICE.replace("\"status\"}", "\"status.\"}"));
    watcher.check();

    assertThat(watcher.current()).isSameAs(before);
    assertThat(watcher.error()).startsWith("device.json: attributes[0].path: 'status.' is not a valid FHIRPath");

    Files.writeString(dir.resolve("device.json"), DEVICE);
    watcher.check();

    assertThat(watcher.error()).isNull();
    assertThat(watcher.current()).isNotSameAs(before);
  }

  @Test
  void mapsTheTargetCannotTakeAreRefusedAndTriedAgain(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("device.json"), DEVICE);
    List<Boolean> targetAnswers = new ArrayList<>(List.of(true, false, true));
    MapWatcher watcher = new MapWatcher(LOADER, dir, maps -> {
      if (!targetAnswers.remove(0)) {
        throw new IllegalStateException("the target is down");
      }
    });
    watcher.prepare();
    Files.writeString(dir.resolve("device.json"), DEVICE.replace("msemr_status", "msemr_state"));

    watcher.check();
    assertThat(watcher.error()).isEqualTo("The maps could not be applied to the target: the target is down");

    watcher.check();
    assertThat(watcher.error()).isNull();
    assertThat(watcher.current().root("Device").columns().get(0).column()).isEqualTo("msemr_state");
  }

  @Test
  void theMapsAreLoadedWithoutTheTargetWhichIsPreparedWhenAsked(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("device.json"), DEVICE);

    MapWatcher watcher = new MapWatcher(LOADER, dir, prepared::add);

    assertThat(watcher.current().root("Device")).isNotNull();
    assertThat(prepared).isEmpty();

    watcher.prepare();

    assertThat(prepared).containsExactly(watcher.current());
  }

  @Test
  void badMapsAtTheStartAreAnError(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("device.json"), "{}");

    assertThatThrownBy(() -> new MapWatcher(LOADER, dir, prepared::add)).isInstanceOf(MapException.class)
        .hasMessage("device.json: resource: is missing");
  }
}
