// BullMQ's side of `groupbuy bench jobs`: the same N no-op jobs, bulk-enqueued, processed by
// W workers of concurrency C on the same Redis; prints jobs/s and enqueue-to-start latency.
//   node bench/bullmq/bench.mjs [N=10000] [workers=1,2,4] [concurrency=100]
import { Queue, Worker } from 'bullmq';

const N = Number(process.argv[2] ?? 10000);
const WORKERS = (process.argv[3] ?? '1,2,4').split(',').map(Number);
const CONCURRENCY = Number(process.argv[4] ?? 100);
const connection = { host: '127.0.0.1', port: 6379 };

function percentile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function run(workers) {
  const name = `gbbench-bullmq-${Date.now()}-${workers}`;
  const queue = new Queue(name, { connection });
  const starts = [];
  let done = 0;
  let resolveDone;
  const finished = new Promise((r) => (resolveDone = r));
  const pool = [];
  for (let i = 0; i < workers; i++) {
    pool.push(new Worker(name, async (job) => {
      starts.push(Date.now() - job.data.queuedAt);
      if (++done === N) resolveDone();
    }, { connection, concurrency: CONCURRENCY, removeOnComplete: { count: 0 } }));
  }
  await Promise.all(pool.map((w) => w.waitUntilReady()));
  const t0 = performance.now();
  for (let i = 0; i < N; i += 1000) {
    const batch = [];
    for (let j = i; j < Math.min(N, i + 1000); j++) batch.push({ name: 'noop', data: { queuedAt: Date.now() } });
    await queue.addBulk(batch);
  }
  const enqueue = (performance.now() - t0) / 1000;
  await finished;
  const total = (performance.now() - t0) / 1000;
  starts.sort((a, b) => a - b);
  await Promise.all(pool.map((w) => w.close()));
  await queue.obliterate({ force: true });
  await queue.close();
  return { workers, enqueue, total, rate: N / total, p50: percentile(starts, 0.5), p99: percentile(starts, 0.99) };
}

console.log('| kind | jobs | workers × concurrency | enqueue | total | jobs/s | start p50 | start p99 |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const w of WORKERS) {
  const r = await run(w);
  console.log(`| bullmq noop | ${N} | ${w} × ${CONCURRENCY} | ${r.enqueue.toFixed(2)} s | ${r.total.toFixed(2)} s | ${r.rate.toFixed(0)} | ${r.p50} ms | ${r.p99} ms |`);
}
process.exit(0);
