/**
 * Log streams' delivery rate: a backlog of the data set's events delivered by the stream runner as the worker runs
 * it (pages from Elasticsearch by ingest time, one send per batch, the position saved after each, at most 20
 * batches per turn and a turn a second) to the tests' loopback receivers, NDJSON over HTTP and syslog over plain
 * TCP. The baseline is the raw rate of the same receiver in the same run: a plain loop sending the bytes it
 * received again, batch by batch, the same way (one POST, or one connection, per batch).
 */
import { randomUUID } from 'node:crypto'
import { connect } from 'node:net'
import type { Redis } from 'ioredis'
import { pino } from 'pino'
import type { Config } from '../../src/config/config.ts'
import type { Es } from '../../src/store/elasticsearch.ts'
import { eventsAlias } from '../../src/store/events/index-names.ts'
import { StoredSecrets } from '../../src/store/system/stored-secrets.ts'
import { StreamsStore } from '../../src/store/system/streams-store.ts'
import { streamPage } from '../../src/store/events/stream-events.ts'
import { FRESH_POSITION, type StreamDestination } from '../../src/streams/schema.ts'
import { streamQuery } from '../../src/streams/stream-service.ts'
import { createSender } from '../../src/streams/senders.ts'
import { Leases } from '../../src/queue/lease.ts'
import { createEventsQueue } from '../../src/queue/events-queue.ts'
import { oldestPendingIngest } from '../../src/queue/watermark.ts'
import { startStreamRunner } from '../../src/indexer/stream-runner.ts'
import { NdjsonReceiver, octetFrames, TcpReceiver } from '../../test/helpers/receivers.ts'
import { median } from './watch-runs.ts'
import { LOOPBACK_ALLOWED } from '../../src/validation/receiver-address.ts'

const TENANT = 'default'
const CASES: Array<['http' | 'syslog', number]> = [['http', 500], ['http', 5000], ['syslog', 500], ['syslog', 5000]]
const f0 = (n: number): string => Math.round(n).toLocaleString('en-US')

/** Counted from the end of the first batch on, so the runner's start (its first turn waits for a settled horizon) is left out. */
interface Delivery { events: number, first: number, last: number, firstBatch: number, pageMs: number, sendMs: number, batches: number, pages: number[] }

/** What the receiver got, in the order it got it: NDJSON bodies, or the bytes of each syslog connection. */
function received (r: NdjsonReceiver | TcpReceiver): Array<string | Buffer> {
  return r instanceof NdjsonReceiver ? r.batches.map(b => b.events.map(e => JSON.stringify(e)).join('\n') + '\n') : r.connections
}
const countIn = (r: NdjsonReceiver | TcpReceiver): number => r instanceof NdjsonReceiver ? r.events.length : r.connections.reduce((n, c) => n + octetFrames(c).length, 0)

/** The raw rate: the same bodies sent one after another, as the sender sends them. */
async function rawLoop (type: 'http' | 'syslog', bodies: Array<string | Buffer>, events: number): Promise<number> {
  const receiver = type === 'http' ? new NdjsonReceiver() : new TcpReceiver()
  await receiver.start()
  try {
    const t0 = performance.now()
    for (const body of bodies) {
      if (type === 'http') {
        const res = await fetch(`http://127.0.0.1:${receiver.port}/`, { method: 'POST', body: body.toString(), headers: { 'content-type': 'application/x-ndjson' } })
        await res.arrayBuffer()
      } else {
        await new Promise<void>((resolve, reject) => {
          const socket = connect({ host: '127.0.0.1', port: receiver.port }, () => { socket.end(body) })
          socket.once('error', reject)
          socket.once('close', () => resolve())
        })
      }
    }
    const ms = performance.now() - t0
    if (countIn(receiver) !== events) throw new Error(`the raw loop delivered ${countIn(receiver)} of ${events} events`)
    return events / (ms / 1000)
  } finally {
    await receiver.stop()
  }
}

export async function streamDelivery (es: Es, redis: Redis, config: Config, dataPrefix: string, backlog: number): Promise<void> {
  const alias = eventsAlias(dataPrefix)
  const range = await es.search({ index: alias, size: 0, aggs: { from: { min: { field: 'event.ingested' } }, to: { max: { field: 'event.ingested' } }, n: { value_count: { field: 'event.ingested' } } } })
  const agg = (k: string): number => (range.aggregations?.[k] as { value: number }).value
  // The data set is ingested evenly over its span: start where about `backlog` events remain.
  const at = Math.floor(agg('to') - (agg('to') - agg('from')) * backlog / agg('n'))
  const events = (await es.count({ index: alias, query: { range: { 'event.ingested': { gte: at, format: 'epoch_millis' } } } })).count
  const store = new StreamsStore(es, config.indexPrefix)
  await store.install(0)
  const queue = createEventsQueue(redis, config.queuePrefix)
  const send = createSender(config.streams.timeoutMs, new StoredSecrets(config.secretsKey), LOOPBACK_ALLOWED)
  console.log(`\nLog streams: a backlog of ${f0(events)} events delivered to a loopback receiver, against the raw rate of the same receiver (the same bytes sent by a plain loop)`)
  console.log('| Destination | batch | delivered | raw loop (baseline) | ratio | time in pages / sends / the rest | a page, first → last |')
  console.log('|---|--:|--:|--:|--:|---|---|')
  try {
    for (const [type, batchSize] of CASES) {
      const receiver = type === 'http' ? new NdjsonReceiver() : new TcpReceiver()
      await receiver.start()
      const destination: StreamDestination = type === 'http' ? { type, url: `http://127.0.0.1:${receiver.port}/` } : { type, host: '127.0.0.1', port: receiver.port, tls: false }
      const now = new Date().toISOString()
      const stream = await store.create(randomUUID(), { name: `bench ${type}`, tenant: TENANT, destination, batchSize, enabled: true, createdAt: now, updatedAt: now, createdBy: 'bench' }, { ...FRESH_POSITION, after: [at, ''] })
      const d: Delivery = { events: 0, first: 0, last: 0, firstBatch: 0, pageMs: 0, sendMs: 0, batches: 0, pages: [] }
      const t0 = performance.now()
      const runner = startStreamRunner(config.streams, {
        store,
        leases: new Leases(redis, config.queuePrefix, 2 * config.streams.timeoutMs + 10_000),
        page: async (s, after, before, size) => {
          const p0 = performance.now()
          const page = await streamPage(es, dataPrefix, streamQuery(s.doc), after, before, size)
          const ms = performance.now() - p0
          if (page.length > 0) d.pages.push(ms)
          if (d.batches > 0) d.pageMs += ms
          return page
        },
        send: async (dest, batch, meta) => {
          const s0 = performance.now()
          await send(dest, batch, meta)
          d.last = performance.now()
          if (d.batches++ === 0) { d.first = d.last; d.firstBatch = batch.length } else d.sendMs += d.last - s0
          d.events += batch.length
        },
        oldestPending: async t => await oldestPendingIngest(redis, queue, t),
        log: pino({ level: 'error' })
      })
      try {
        const deadline = Date.now() + Math.max(120_000, events / 100)
        while (d.events < events && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 100))
      } finally {
        await runner.close()
        await receiver.stop()
        await store.delete(stream.id)
      }
      if (d.events < events || countIn(receiver) !== events) throw new Error(`${type}: ${countIn(receiver)} of ${events} events delivered in time`)
      const rate = (events - d.firstBatch) / ((d.last - d.first) / 1000)
      const raw = await rawLoop(type, received(receiver), events)
      const rest = d.last - d.first - d.pageMs - d.sendMs
      const ends = (xs: number[]): string => `${f0(median(xs.slice(0, 3)))} → ${f0(median(xs.slice(-3)))}`
      console.log(`| ${type === 'http' ? 'NDJSON over HTTP' : 'syslog over TCP'} | ${f0(batchSize)} | ${f0(rate)} events/s | ${f0(raw)} events/s | ${(rate / raw).toFixed(2)} | ` +
        `${f0(d.pageMs)} / ${f0(d.sendMs)} / ${f0(rest)} ms (${d.batches} batches, the first after ${f0(d.first - t0)} ms) | ${ends(d.pages)} ms |`)
    }
  } finally {
    await queue.close()
  }
}
