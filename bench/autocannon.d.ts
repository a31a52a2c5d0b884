/**
 * Minimal types for autocannon 8 (the package ships none): only what bench/run.ts uses.
 */
declare module 'autocannon' {
  namespace autocannon {
    interface Options {
      url: string;
      connections?: number;
      duration?: number;
      pipelining?: number;
      timeout?: number;
      method?: string;
      headers?: Record<string, string>;
      title?: string;
      verifyBody?: (body: string) => boolean;
      /** Called once per connection. */
      setupClient?: (client: Client) => void;
    }

    interface Client {
      /** Replaces the headers of this connection's requests. */
      setHeaders(headers: Record<string, string>): void;
    }

    interface Histogram {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      total: number;
      p50: number;
      p90: number;
      p97_5: number;
      p99: number;
    }

    interface Result {
      title?: string;
      url: string;
      connections: number;
      pipelining: number;
      /** Seconds. */
      duration: number;
      start: Date;
      finish: Date;
      errors: number;
      timeouts: number;
      mismatches: number;
      non2xx: number;
      resets: number;
      '1xx': number;
      '2xx': number;
      '3xx': number;
      '4xx': number;
      '5xx': number;
      statusCodeStats: Record<string, { count: number }>;
      /** Milliseconds. */
      latency: Histogram;
      /** Per-second samples; `total` is the number of completed requests. */
      requests: Histogram & { sent: number };
      throughput: Histogram;
    }
  }

  function autocannon(opts: autocannon.Options): Promise<autocannon.Result>;
  export default autocannon;
}
