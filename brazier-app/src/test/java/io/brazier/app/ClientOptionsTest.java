package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The options by which {@code load}, {@code loader} and {@code export} reach a FHIR server, as a user gets them
 * wrong: each is a usage error (exit 2) naming the flag, found before any request is sent.
 */
class ClientOptionsTest {
  @TempDir
  Path out;

  @Test
  void aServerUrlWithoutAnHttpSchemeIsAUsageError() {
    Cli noScheme = export("--fhir", "fhir.example.org/fhir");
    Cli ftp = export("--fhir", "ftp://fhir.example.org/fhir");
    Cli noHost = export("--fhir", "http:///fhir");

    assertThat(List.of(noScheme, ftp, noHost)).extracting(Cli::code).containsOnly(2);
    assertThat(List.of(noScheme, ftp, noHost)).extracting(Cli::err)
        .allSatisfy(err -> assertThat(err).contains("--fhir must be an http(s) URL"));
  }

  @Test
  void aHeaderThatIsNotNameColonValueIsAUsageError() {
    Cli run = export("--header", "x-bundle-processing-logic=parallel");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("--header takes NAME:VALUE");
  }

  @Test
  void aHeaderTheHttpClientMayNotSendIsAUsageErrorBeforeAnyRequest() {
    Cli restricted = export("--header", "Host:elsewhere.org");
    Cli lineBreak = export("--header", "x-tag:a\r\nx-injected: 1");
    Cli badName = export("--header", "x tag:a");

    assertThat(List.of(restricted, lineBreak, badName)).extracting(Cli::code).containsOnly(2);
    assertThat(restricted.err()).contains("--header", "Host");
    assertThat(lineBreak.err()).contains("--header", "x-tag");
    assertThat(badName.err()).contains("--header", "x tag");
  }

  @Test
  void aRequestTimeoutThatIsNotPositiveIsAUsageError() {
    Cli zero = export("--request-timeout", "PT0S");
    Cli negative = export("--request-timeout", "-PT1S");

    assertThat(List.of(zero, negative)).extracting(Cli::code).containsOnly(2);
    assertThat(zero.err()).contains("--request-timeout");
    assertThat(negative.err()).contains("--request-timeout");
  }

  @Test
  void retriesAndConcurrencyOutOfRangeAreUsageErrors() {
    Cli negativeRetries = load("--max-retries", "-1");
    Cli noConcurrency = load("--concurrency", "0");

    assertThat(List.of(negativeRetries, noConcurrency)).extracting(Cli::code).containsOnly(2);
    assertThat(negativeRetries.err()).contains("--max-retries");
    assertThat(noConcurrency.err()).contains("--concurrency");
  }

  @Test
  void aDurationThatIsNotIso8601NamesTheFlag() {
    Cli run = export("--retry-base", "5s");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("--retry-base", "5s");
  }

  @Test
  void theLoadsHelpSaysWhatBecomesOfAFileThatFailsAfterItsRetries() {
    Cli help = Cli.run("load", "--help");

    String text = help.out().replaceAll("\\s+", " ");
    assertThat(text).contains("then the file fails (load names it with the reason and exits 1; loader moves it to"
        + " bundleserr/, ndjsonerr/ or ziperr/)").doesNotContain("error folder");
  }

  private Cli export(String... options) {
    List<String> args = new ArrayList<>(List.of("export", "all", "--type", "Observation", "--max-retries",
        "0", "--out", out.toString()));
    args.addAll(List.of(options));
    return Cli.run(args.toArray(String[]::new));
  }

  private Cli load(String... options) {
    List<String> args = new ArrayList<>(List.of("load", out.toString(), "--fhir", "http://127.0.0.1:9/fhir"));
    args.addAll(List.of(options));
    return Cli.run(args.toArray(String[]::new));
  }
}
