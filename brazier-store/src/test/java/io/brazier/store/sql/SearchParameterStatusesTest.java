package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.store.DatabaseConfig;
import io.brazier.store.TestStore;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The statuses of search parameters, set on one node and read on another, and the notice that tells every node to
 * read them again: two stores over the shared test database, each with its own pool and listening connection.
 */
class SearchParameterStatusesTest {
  private static final Set<String> SEARCH_PARAMETER = Set.of("SearchParameter");

  private final PostgresStore here = node();
  private final PostgresStore there = node();
  private final BlockingQueue<Set<String>> heard = new LinkedBlockingQueue<>();
  private final String url = "https://example.org/fhir/SearchParameter/" + UUID.randomUUID();

  @AfterEach
  void stop() {
    here.close();
    there.close();
  }

  @Test
  void aStatusSetOnOneNodeIsReadOnAnotherWhichHearsOfIt() throws InterruptedException {
    here.onChanges(heard::add);

    there.setSearchParameterStatuses(Map.of(url, "Disabled"));

    assertThat(heard.poll(20, TimeUnit.SECONDS)).as("heard in time").isEqualTo(SEARCH_PARAMETER);
    assertThat(here.searchParameterStatuses()).containsEntry(url, "Disabled");
  }

  @Test
  void aNodeHearsItsOwnChangeBeforeItReturnsAndALaterStatusReplacesAnEarlier() {
    here.setSearchParameterStatuses(Map.of(url, "Disabled"));
    here.onChanges(heard::add);

    here.setSearchParameterStatuses(Map.of(url, "Enabled"));

    assertThat(heard).contains(SEARCH_PARAMETER);
    assertThat(there.searchParameterStatuses()).containsEntry(url, "Enabled");
  }

  private static PostgresStore node() {
    Database shared = TestStore.shared().database();
    Database own = Database.open(new DatabaseConfig(shared.pool().getJdbcUrl(), shared.pool().getUsername(),
        shared.pool().getPassword(), null, 4, Duration.ofSeconds(30)));
    return new PostgresStore(own, TestStore.shared().fhir().resourceTypes()).startChangeSequencer();
  }
}
