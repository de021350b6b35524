package io.brazier.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Jackson as every module reads and writes JSON with: its defaults, but strings of any length. Jackson refuses a
 * string over 20,000,000 chars by default, which a FHIR body may hold (a large inline {@code Attachment.data}); what
 * bounds one is the body it is in ({@code --max-body-bytes}, the import's line limit), and a reader that kept the
 * default would fail on what another module stored or sent. HAPI's own parser lifts the limit too. Every mapper,
 * factory and parser comes from here (a test checks that no source makes its own), in this module that every other
 * depends on; not through Jackson's process-wide default, which holds only for what is made after it is set, so
 * that it would depend on which class a process happened to load first.
 */
public final class Jackson {
  /** Jackson's settings but for string length. Shared: a class that needs other settings builds its own mapper. */
  public static final ObjectMapper MAPPER = builder().build();

  private Jackson() {}

  /** A builder of a mapper that reads strings of any length, for one that needs other settings as well. */
  public static JsonMapper.Builder builder() {
    return JsonMapper.builder(factory());
  }

  /** A factory of streaming parsers and generators that reads strings of any length. */
  public static JsonFactory factory() {
    return JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
        .build();
  }
}
