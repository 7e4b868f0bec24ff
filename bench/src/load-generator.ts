import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';

/**
 * Runs in its own process (the load must not share a core's event loop with the measurement):
 * POST /search with the benchmark queries in rotation, prints autocannon's summary as JSON.
 *
 *   node -r @swc-node/register load-generator.ts <url> <queries.json> <seconds> <connections>
 */
const [url, queriesPath, seconds, connections] = process.argv.slice(2);
const queries = JSON.parse(readFileSync(queriesPath, 'utf8')) as Array<{ collectionId: string; query: string }>;
let i = 0;
const instance = autocannon(
  {
    url,
    method: 'POST',
    duration: Number(seconds),
    connections: Number(connections),
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req) => ({ ...req, body: JSON.stringify({ ...queries[i++ % queries.length], topK: 5 }) }),
      },
    ],
  },
  (err, result) => {
    if (err) {
      process.stderr.write(`load failed: ${err.message}\n`);
      process.exit(1);
    }
    process.stdout.write(
      JSON.stringify({
        requestsPerSec: result.requests.average,
        totalRequests: result.requests.total,
        latencyMs: {
          p50: result.latency.p50,
          p90: result.latency.p90,
          p99: result.latency.p99,
          max: result.latency.max,
        },
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
      }) + '\n',
    );
  },
);
process.once('SIGINT', () => instance.stop());
