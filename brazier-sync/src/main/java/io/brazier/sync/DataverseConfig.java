package io.brazier.sync;

import io.brazier.client.ClientCredentials;
import io.brazier.client.HttpUrls;
import java.net.URI;
import java.time.Duration;

/**
 * Dataverse as the system of engagement: its Web API (OData v4) takes the rows, while the agent's bookkeeping stays
 * in the PostgreSQL schema of {@link TargetConfig}.
 *
 * @param url the Web API's base, {@code https://org.crm.dynamics.com/api/data/v9.2/}
 * @param credentials OAuth2 client credentials (Azure AD: scope {@code https://org.crm.dynamics.com/.default}); null
 *     for a service that wants no token (a local test service)
 * @param batchSize requests per {@code $batch} change set (Dataverse takes up to 1,000 per batch)
 * @param longestWait the longest {@code Retry-After} of a throttled request that is waited out; a longer one fails
 *     the batch, which is tried again as for any outage
 */
public record DataverseConfig(URI url, ClientCredentials.Config credentials, int batchSize, Duration longestWait) {

  public DataverseConfig {
    if (!HttpUrls.isHttp(url)) {
      throw new IllegalArgumentException("--sync-dataverse-url must be the Web API's URL,"
          + " https://org.crm.dynamics.com/api/data/v9.2/, not " + url);
    }
    if (url.getScheme().equalsIgnoreCase("http") && !loopback(url.getHost())) {
      throw new IllegalArgumentException("--sync-dataverse-url must use https (patient data and tokens would cross"
          + " the network in clear), not " + url);
    }
    if (batchSize < 1 || batchSize > 1000) {
      throw new IllegalArgumentException("--sync-dataverse-batch must be between 1 and 1000, not " + batchSize);
    }
    url = url.toString().endsWith("/") ? url : URI.create(url + "/");
  }

  public DataverseConfig(URI url, ClientCredentials.Config credentials) {
    this(url, credentials, 100, Duration.ofMinutes(5));
  }

  private static boolean loopback(String host) {
    return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
  }
}
