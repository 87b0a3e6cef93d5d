/**
 * The options of an AWS SDK client on the request path: two attempts, each given up after
 * `timeoutMs`, so that a dependency that accepts connections and never answers costs a bounded
 * time and ends in the service's 503, not in the function's timeout.
 */
export function boundedRequests(timeoutMs: number) {
  return {
    maxAttempts: 2,
    requestHandler: {
      // Stryker disable next-line ArithmeticOperator: a connection on loopback never waits; only an address that drops packets does.
      connectionTimeout: Math.floor(timeoutMs / 2),
      requestTimeout: timeoutMs,
      // Without it the SDK only logs a warning when the timeout passes, and the request waits on.
      throwOnRequestTimeout: true,
    },
  };
}
