import { readFileSync } from 'node:fs'
import t from 'tap'
import { Registry } from 'prom-client'
import { IngestMetrics } from '../../../src/metrics/ingest-metrics.ts'
import { IndexerMetrics } from '../../../src/metrics/indexer-metrics.ts'
import { StreamMetrics } from '../../../src/metrics/stream-metrics.ts'
import { registerPipelineGauges } from '../../../src/metrics/pipeline-gauges.ts'
import { loggedSystemAlerts } from '../../../src/compose/worker-monitoring.ts'
import { pino } from 'pino'

t.test('the sample alerting rules use only series the service exposes', async t => {
  const registry = new Registry()
  new IngestMetrics(registry)
  new IndexerMetrics(registry)
  new StreamMetrics(registry)
  loggedSystemAlerts(pino({ level: 'silent' }), registry)
  registerPipelineGauges(registry, { integrity: true, workers: async () => 1, stats: async () => ({ queues: [], lastCheckpointAt: 1 }) })
  const names = new Set(registry.getMetricsAsArray().flatMap(m => String(m.type) === 'histogram' ? [m.name, `${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`] : [m.name]))
  const rules = readFileSync(new URL('../../../deploy/prometheus-alerts.yml', import.meta.url), 'utf8')
  const used = new Set([...rules.matchAll(/\b(sillage_[a-z_]+)\b/g)].map(m => m[1] as string))
  t.ok(used.size >= 10)
  t.same([...used].filter(n => !names.has(n)), [], 'every series named exists')
  t.equal((rules.match(/^ {6}- alert: /gm) ?? []).length, (rules.match(/^ {8}expr: /gm) ?? []).length, 'each rule has an expression')
})
