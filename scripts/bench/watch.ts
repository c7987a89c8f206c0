/**
 * Watch rules and log streams benchmark, on the local engines:
 * 1. rule run time on a data set recorded as a live service records it (scripts/bench/verify-dataset.ts, with the
 *    devices and home addresses of watch-rules.ts; kept under benchwatch<events>-* and reused): one run of each
 *    kind, and a scheduled pass of the 50 rules (watch-runs.ts);
 * 2. log streams' delivery rate from a backlog of that data set against the receiver's raw rate (watch-streams.ts);
 * 3. ingest throughput with the 50 rules off and on, alternating over rounds (watch-ingest.ts).
 * Everything else it makes lives under a prefix of its own (indices and Redis keys), deleted at the end.
 * Usage: npm run bench:watch -- [events=1000000] [ingest events per run=100000] [rounds=3] [parts=rules,streams,ingest]
 */
import { loadConfig } from '../../src/config/config.ts'
import { createEs } from '../../src/store/elasticsearch.ts'
import { connectRedis, createRedis } from '../../src/queue/redis.ts'
import { cleanup, testEnv } from '../../test/helpers/stack.ts'
import { ensureLiveDataset } from './verify-dataset.ts'
import { likeUsers } from './watch-rules.ts'
import { ruleRunTimes } from './watch-runs.ts'
import { streamDelivery } from './watch-streams.ts'
import { ingestWithRules } from './watch-ingest.ts'

const TOTAL = Number(process.argv[2] ?? 1_000_000)
const INGEST = Number(process.argv[3] ?? 100_000)
const ROUNDS = Number(process.argv[4] ?? 3)
const BACKLOG = Math.min(100_000, Math.floor(TOTAL / 2))
const RUNS = 3
const PARTS = new Set((process.argv[5] ?? 'rules,streams,ingest').split(','))

const config = loadConfig(testEnv({ SILLAGE_LOG_LEVEL: 'error', SILLAGE_STREAM_BATCH_MAX: '10000' }))
const data = { ...config, indexPrefix: `benchwatch${TOTAL}` }
const es = createEs(config.elasticsearchUrl)
const redis = createRedis(config.redis, 'worker')
await connectRedis(redis, config.redis)
try {
  const t0 = Date.now()
  console.log(`${new Date().toISOString()}; ${TOTAL.toLocaleString('en-US')} events; Elasticsearch ${(await es.info()).version.number}`)
  await ensureLiveDataset(es, data, TOTAL, s => console.log(s), likeUsers)
  if (PARTS.has('rules')) await ruleRunTimes(es, redis, config, data.indexPrefix, RUNS)
  if (PARTS.has('streams')) await streamDelivery(es, redis, config, data.indexPrefix, BACKLOG)
  if (PARTS.has('ingest')) await ingestWithRules(es, INGEST, ROUNDS)
  console.log(`\n(${Math.round((Date.now() - t0) / 1000)} s in all)`)
} finally {
  await cleanup(es, config)
  redis.disconnect()
  await es.close()
}
