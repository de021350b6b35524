package io.brazier.sync.dataverse;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * What the Web API's failures become for the agent, which tells an outage from a refusal by its exception: the
 * service unreachable, overloaded or throttled for longer than the agent waits is an outage, waited out without
 * counting an attempt; anything else (a row the service refuses) counts against the changes of the batch.
 */
final class ServiceException {
  private ServiceException() {}

  static SQLException of(int status, String message) {
    return status == 0 || status == 429 || status >= 500 ? new SQLTransientConnectionException(message)
        : new SQLException(message);
  }
}
