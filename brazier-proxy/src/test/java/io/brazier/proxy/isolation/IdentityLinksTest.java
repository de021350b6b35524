package io.brazier.proxy.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.proxy.MutableClock;
import io.brazier.proxy.ProxyDatabase;
import io.brazier.server.Caller;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Identity links in the real database: which resource a caller stands for (its subject's link before its client's,
 * never an expired one, never another issuer's), and that a change made here or on another node is what the next
 * requests see. Each test has an issuer of its own, so that tests sharing the table do not meet.
 */
class IdentityLinksTest {
  private static final DataSource DATABASE = ProxyDatabase.migrated();
  private static final Instant NOW = Instant.parse("2026-12-06T06:00:00Z");

  private final String issuer = "https://idp-" + UUID.randomUUID() + ".example.org";
  private final MutableClock clock = new MutableClock(NOW);
  private final IdentityLinks links = new IdentityLinks(DATABASE, clock);

  @AfterEach
  void stopListening() {
    links.close();
  }

  @Test
  void aSubjectsLinkComesBeforeItsClientsLink() {
    links.save(client("backend", "Practitioner/c-1", null));
    links.save(subject("alice", "Practitioner/s-1", null));

    assertThat(links.resourceOf(caller("alice", "backend"))).isEqualTo("Practitioner/s-1");
  }

  @Test
  void aCallerWhoseSubjectHasNoLinkStandsForItsClientsResource() {
    links.save(client("backend", "RelatedPerson/r-1", null));

    assertThat(links.resourceOf(caller("bob", "backend"))).isEqualTo("RelatedPerson/r-1");
    assertThat(links.resourceOf(caller(null, "backend"))).isEqualTo("RelatedPerson/r-1");
  }

  @Test
  void aCallerWithoutLinksStandsForNothing() {
    assertThat(links.resourceOf(caller("carol", "app"))).isNull();
  }

  @Test
  void theSameSubjectOfAnotherIssuerStandsForNothing() {
    links.save(subject("alice", "Patient/p-1", null));
    Caller stranger = new Caller("https://other-" + UUID.randomUUID() + ".example.org", "alice", null, Set.of(),
        Set.of(), null, null, null);

    assertThat(links.resourceOf(stranger)).isNull();
  }

  @Test
  void anAnonymousCallerOrOneWithoutIssuerStandsForNothing() {
    links.save(subject("alice", "Patient/p-1", null));

    assertThat(links.resourceOf(Caller.ANONYMOUS)).isNull();
    assertThat(links.resourceOf(new Caller(null, "alice", null, Set.of(), Set.of(), null, null, null))).isNull();
  }

  @Test
  void anExpiredLinkIsIgnoredEvenWhenItWasKept() {
    links.save(subject("alice", "Practitioner/s-1", NOW.plus(Duration.ofHours(1))));
    links.save(client("backend", "Practitioner/c-1", null));
    assertThat(links.resourceOf(caller("alice", "backend"))).isEqualTo("Practitioner/s-1");

    clock.advance(Duration.ofHours(1));

    assertThat(links.resourceOf(caller("alice", "backend"))).isEqualTo("Practitioner/c-1");
    assertThat(links.resourceOf(caller("alice", null))).isNull();
  }

  @Test
  void savingTheSameSubjectAgainReplacesItsLinkAndIsSeenAtOnce() {
    boolean first = links.save(subject("alice", "Practitioner/s-1", null));
    assertThat(links.resourceOf(caller("alice", null))).isEqualTo("Practitioner/s-1");

    boolean second = links.save(subject("alice", "Practitioner/s-2", NOW.plus(Duration.ofDays(1))));

    assertThat(first).isTrue();
    assertThat(second).isFalse();
    assertThat(links.resourceOf(caller("alice", null))).isEqualTo("Practitioner/s-2");
    assertThat(links.find(IdentityLink.Kind.SUBJECT, "alice", null)).filteredOn(link -> link.issuer().equals(issuer))
        .containsExactly(subject("alice", "Practitioner/s-2", NOW.plus(Duration.ofDays(1))));
  }

  @Test
  void aDeletedLinkIsGoneAtOnceAndASecondDeleteFindsNothing() {
    links.save(subject("alice", "Patient/p-1", null));
    assertThat(links.resourceOf(caller("alice", null))).isEqualTo("Patient/p-1");

    assertThat(links.delete(issuer, IdentityLink.Kind.SUBJECT, "alice")).isTrue();

    assertThat(links.resourceOf(caller("alice", null))).isNull();
    assertThat(links.delete(issuer, IdentityLink.Kind.SUBJECT, "alice")).isFalse();
  }

  @Test
  void aDeleteNamesTheKindSoAClientOfTheSameNameKeepsItsLink() {
    links.save(subject("shared-name", "Patient/p-1", null));
    links.save(client("shared-name", "Patient/p-2", null));

    links.delete(issuer, IdentityLink.Kind.SUBJECT, "shared-name");

    assertThat(links.resourceOf(caller("shared-name", "shared-name"))).isEqualTo("Patient/p-2");
  }

  @Test
  void linksAreFoundByResourceBySubjectOrClientAndAllTogether() {
    String resource = "Practitioner/" + UUID.randomUUID();
    IdentityLink alice = subject("alice", resource, null);
    IdentityLink backend = client("backend", resource, null);
    links.save(alice);
    links.save(backend);

    assertThat(links.find(null, null, resource)).containsExactly(backend, alice);
    assertThat(links.find(IdentityLink.Kind.CLIENT, "backend", null)).contains(backend).doesNotContain(alice);
    assertThat(links.find(null, null, null)).contains(alice, backend);
  }

  @Test
  void aChangeMadeOnAnotherNodeIsSeenHereAfterItsNotice() throws InterruptedException {
    links.save(subject("alice", "Practitioner/s-1", null));
    try (IdentityLinks otherNode = new IdentityLinks(DATABASE, clock)) {
      awaitKept("Practitioner/s-1");

      otherNode.save(subject("alice", "Practitioner/s-2", null));

      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!"Practitioner/s-2".equals(links.resourceOf(caller("alice", null))) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(links.resourceOf(caller("alice", null))).isEqualTo("Practitioner/s-2");
    }
  }

  /** Asks until this node listens to notices and so keeps what it read (it does within a second or so). */
  private void awaitKept(String expected) throws InterruptedException {
    for (int i = 0; i < 20; i++) {
      assertThat(links.resourceOf(caller("alice", null))).isEqualTo(expected);
      Thread.sleep(100);
    }
  }

  private IdentityLink subject(String name, String resource, Instant expires) {
    return new IdentityLink(issuer, IdentityLink.Kind.SUBJECT, name, resource, expires);
  }

  private IdentityLink client(String name, String resource, Instant expires) {
    return new IdentityLink(issuer, IdentityLink.Kind.CLIENT, name, resource, expires);
  }

  private Caller caller(String subject, String clientId) {
    return new Caller(issuer, subject, clientId, Set.of(), Set.of(), null, null, null);
  }
}
