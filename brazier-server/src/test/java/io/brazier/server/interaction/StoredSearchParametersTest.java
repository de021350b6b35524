package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.fhir.search.SearchParam;
import io.brazier.fhir.search.SearchParameters;
import io.brazier.server.TestServer;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;
import org.hl7.fhir.r4.model.SearchParameter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The custom parameters of a node follow the SearchParameter resources in the database, whichever node wrote them:
 * here the definitions are written through one node's API and followed from another node's store, as a node does.
 */
class StoredSearchParametersTest {
  private static final String URL = "http://brazier.test/fhir/SearchParameter/";

  private static TestServer writer;
  private static TestServer follower;

  private final IGenericClient client = writer.client();
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private SearchParameters parameters;
  private Runnable stop;

  @BeforeAll
  static void start() {
    writer = TestServer.shared();
    follower = writer.secondNode();
  }

  @AfterAll
  static void close() {
    follower.close();
  }

  @BeforeEach
  void follow() {
    parameters = new FhirSearch(follower.fhir()).parameters();
    stop = new StoredSearchParameters(follower.store(), follower.fhir(), parameters).follow();
  }

  @AfterEach
  void stopFollowing() {
    stop.run();
  }

  @Test
  void aDefinitionWrittenOnAnotherNodeAppliesOnceCommittedAndItsUpdateReplacesIt() {
    SearchParameter colour = token("colour" + run, "Basic.code");
    colour.setId(client.create().resource(colour).execute().getId().getIdPart());

    Optional<SearchParam> created = await(() -> parameters.get("Basic", "colour" + run));
    colour.setExpression("Basic.subject").setType(SearchParamType.REFERENCE);
    client.update().resource(colour).execute();
    SearchParam updated = await(() -> parameters.get("Basic", "colour" + run)
        .filter(param -> param.expression().equals("Basic.subject"))).orElseThrow();

    assertThat(created).hasValueSatisfying(param -> assertThat(param.expression()).isEqualTo("Basic.code"));
    assertThat(updated.url()).isEqualTo(URL + "colour" + run);
  }

  @Test
  void aCompositeStaysUsableWhenAComponentIsUpdatedAfterIt() {
    SearchParameter part = token("part" + run, "Basic.code");
    part.setId(client.create().resource(part).execute().getId().getIdPart());
    SearchParameter pair = token("pair" + run, "Basic").setType(SearchParamType.COMPOSITE);
    pair.addComponent().setDefinition(URL + "part" + run).setExpression("code");
    pair.addComponent().setDefinition("http://hl7.org/fhir/SearchParameter/Basic-created").setExpression("created");
    client.create().resource(pair).execute();
    await(() -> parameters.get("Basic", "pair" + run));

    client.update().resource(part.setDescription("Now described, so newer than the composite")).execute();
    // A definition committed after the update: once the follower knows it, it has read the update too.
    client.create().resource(token("marker" + run, "Basic.code")).execute();
    await(() -> parameters.get("Basic", "marker" + run));

    assertThat(parameters.get("Basic", "pair" + run)).as("the composite after its component's update").isPresent();
    assertThat(parameters.compositeTypes(parameters.get("Basic", "pair" + run).orElseThrow())).isPresent();
  }

  @Test
  void aRetiredOrDeletedDefinitionNoLongerApplies() {
    SearchParameter retired = token("retired" + run, "Basic.code");
    retired.setId(client.create().resource(retired).execute().getId().getIdPart());
    SearchParameter deleted = token("deleted" + run, "Basic.code");
    deleted.setId(client.create().resource(deleted).execute().getId().getIdPart());
    await(() -> parameters.get("Basic", "deleted" + run));

    Bundle transaction = new Bundle().setType(BundleType.TRANSACTION);
    transaction.addEntry().setResource(retired.setStatus(PublicationStatus.RETIRED)).getRequest()
        .setMethod(HTTPVerb.PUT).setUrl("SearchParameter/" + retired.getIdPart());
    transaction.addEntry().getRequest().setMethod(HTTPVerb.DELETE).setUrl("SearchParameter/" + deleted.getIdPart());
    client.transaction().withBundle(transaction).execute();
    await(() -> parameters.get("Basic", "deleted" + run).isEmpty() ? Optional.of(true) : Optional.empty());

    assertThat(parameters.get("Basic", "retired" + run)).isEmpty();
    assertThat(parameters.byUrl(URL + "retired" + run)).isEmpty();
  }

  private static SearchParameter token(String code, String expression) {
    SearchParameter parameter = new SearchParameter();
    parameter.setUrl(URL + code).setName(code).setCode(code).setStatus(PublicationStatus.ACTIVE)
        .setType(SearchParamType.TOKEN).setExpression(expression).addBase("Basic");
    return parameter;
  }

  /** What {@code probe} finds once the follower has heard of the commits: a notice takes a moment to come. */
  private static <T> Optional<T> await(Supplier<Optional<T>> probe) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    Optional<T> found = probe.get();
    while (found.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      found = probe.get();
    }
    assertThat(found).as("found in time").isPresent();
    return found;
  }
}
