// Runs an operation for a fixed time at a fixed concurrency and reports throughput and latency
// percentiles. Results are only compared with a baseline measured in the same run: these
// machines are shared and noisy, so absolute numbers from different runs mean little.
export interface Measurement {
  name: string;
  concurrency: number;
  operations: number;
  opsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export interface MeasureOptions {
  concurrency: number;
  durationMs: number;
  /** untimed runs first, so connection pools and JIT are warm */
  warmupMs?: number;
}

export async function measure(
  name: string,
  operation: (iteration: number) => Promise<unknown>,
  options: MeasureOptions,
): Promise<Measurement> {
  let iteration = 0;
  const runFor = async (ms: number, latencies?: number[]) => {
    const until = performance.now() + ms;
    const lane = async () => {
      while (performance.now() < until) {
        const started = performance.now();
        await operation(iteration++);
        latencies?.push(performance.now() - started);
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, lane));
  };
  await runFor(options.warmupMs ?? 500);
  const latencies: number[] = [];
  const started = performance.now();
  await runFor(options.durationMs, latencies);
  const elapsed = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return {
    name,
    concurrency: options.concurrency,
    operations: latencies.length,
    opsPerSecond: (latencies.length / elapsed) * 1000,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}
