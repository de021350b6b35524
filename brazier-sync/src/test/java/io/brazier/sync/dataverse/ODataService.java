package io.brazier.sync.dataverse;

import io.brazier.sync.map.MapSet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ODataHttpHandler;
import org.apache.olingo.server.api.ServiceMetadata;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real OData v4 service with Dataverse's shape for the tables of the maps, for the Dataverse target's tests:
 * Apache Olingo's server library on Jetty (the servlet container the FHIR server runs on), on a free port of the
 * loopback address, at {@code /api/data/v9.2/} as Dataverse's Web API, wanting a bearer token that its
 * {@code /oauth2/token} endpoint gives for one client id and secret (client credentials, as Azure AD does).
 */
public final class ODataService implements AutoCloseable {
  public static final String CLIENT_ID = "sync-agent";
  public static final String CLIENT_SECRET = "s3cret-for-tests";

  private final Server jetty;
  private final CrmRows rows = new CrmRows();
  private final CrmProcessor processor;
  /** The one token the Web API takes now; revoking tokens makes a new one. */
  private volatile String token = UUID.randomUUID().toString();
  private final AtomicInteger tokensGiven = new AtomicInteger();
  /** Requests to answer with 429 before taking one. */
  private final AtomicInteger throttle = new AtomicInteger();
  private final int port;

  private ODataService(MapSet maps) throws Exception {
    CrmModel model = new CrmModel(maps);
    this.processor = new CrmProcessor(model, rows);
    OData odata = OData.newInstance();
    ServiceMetadata metadata = odata.createServiceMetadata(model, List.of());
    jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    context.addServlet(new ServletHolder(new WebApi(odata, metadata)), "/api/data/v9.2/*");
    context.addServlet(new ServletHolder(new TokenEndpoint()), "/oauth2/token");
    jetty.setHandler(context);
    jetty.start();
    port = connector.getLocalPort();
  }

  public static ODataService start(MapSet maps) {
    try {
      return new ODataService(maps);
    } catch (Exception e) {
      throw new IllegalStateException("The OData service did not start: " + e.getMessage(), e);
    }
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + port + "/api/data/v9.2/");
  }

  public URI tokenUrl() {
    return URI.create("http://127.0.0.1:" + port + "/oauth2/token");
  }

  /** The rows of a table, each its properties (lookups as {@code _<column>_value}). */
  public List<Map<String, Object>> rows(String table) {
    return rows.all(table);
  }

  /** The row of {@code table} whose {@code column} is {@code value}; null when none. */
  public Map<String, Object> row(String table, String column, Object value) {
    return rows.all(table).stream().filter(row -> value.toString().equals(String.valueOf(row.get(column))))
        .findFirst().orElse(null);
  }

  /**
   * A row put as a user of the service would put it (its own screens, not the agent's requests): the values given
   * over the row's ({@code key} in a table without it: a new row), lookups as {@code _<column>_value}.
   */
  public void edit(String table, UUID key, Map<String, Object> values) {
    Map<String, Object> row = new java.util.LinkedHashMap<>(rows.get(table, key) == null ? Map.of()
        : rows.get(table, key));
    row.putAll(values);
    row.put(table + "id", key);
    rows.put(table, key, row);
  }

  /** A row deleted by a user of the service. */
  public void delete(String table, UUID key) {
    rows.remove(table, key);
  }

  /** The next {@code requests} requests to the Web API are answered 429 with {@code Retry-After: 1}. */
  public void throttle(int requests) {
    throttle.set(requests);
  }

  /** Every token given so far is refused from now on (as after a secret's rotation); the endpoint gives a new one. */
  void revokeTokens() {
    token = UUID.randomUUID().toString();
  }

  /** How many tokens the token endpoint has given. */
  int tokensGiven() {
    return tokensGiven.get();
  }

  /** Pages of at most {@code rows} rows from now on, whatever the client prefers. */
  void pageSize(int rows) {
    processor.pageSize = rows;
  }

  /** The number of requests of each change set taken, in order. */
  public List<Integer> changeSets() {
    return List.copyOf(processor.changeSets);
  }

  @Override
  public void close() throws Exception {
    jetty.stop();
  }

  /** The Web API: Olingo's handler behind a bearer token check. */
  private final class WebApi extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient OData odata;
    private final transient ServiceMetadata metadata;

    WebApi(OData odata, ServiceMetadata metadata) {
      this.odata = odata;
      this.metadata = metadata;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
      if (!("Bearer " + token).equals(request.getHeader("Authorization"))) {
        response.setStatus(401);
        response.setContentType("application/json");
        response.getWriter().write("{\"error\":{\"code\":\"0x80072243\",\"message\":\"No valid bearer token\"}}");
        return;
      }
      if (throttle.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
        response.setStatus(429);
        response.setHeader("Retry-After", "1");
        response.setContentType("application/json");
        response.getWriter().write("{\"error\":{\"code\":\"0x80072322\",\"message\":\"Number of requests"
            + " exceeded the limit of 6000 over time window of 300 seconds.\"}}");
        return;
      }
      ODataHttpHandler handler = odata.createHandler(metadata);
      handler.register(processor);
      handler.process(request, response);
    }
  }

  /** Client credentials: a token for the one client this service knows. */
  private final class TokenEndpoint extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
      boolean known = "client_credentials".equals(request.getParameter("grant_type"))
          && CLIENT_ID.equals(request.getParameter("client_id"))
          && CLIENT_SECRET.equals(request.getParameter("client_secret"));
      if (known) {
        tokensGiven.incrementAndGet();
      }
      response.setStatus(known ? 200 : 401);
      response.setContentType("application/json");
      response.getOutputStream().write((known ? "{\"access_token\":\"" + token + "\",\"expires_in\":3600}"
          : "{\"error\":\"invalid_client\"}").getBytes(StandardCharsets.UTF_8));
    }
  }
}
