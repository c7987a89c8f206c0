import t from 'tap'
import { DeadLetterService } from '../../../src/ingest/dead-letter-service.ts'
import { BackpressureError } from '../../../src/errors.ts'
import type { DeadLetterStore, LetterRef } from '../../../src/store/system/dead-letters.ts'
import type { EventsQueue } from '../../../src/queue/events-queue.ts'

const ref: LetterRef = {
  docId: 'brand-a/e-1#0123456789abcdef', seqNo: 1, primaryTerm: 1,
  letter: { '@timestamp': '2026-11-26T10:00:00.000Z', letter_id: '0123456789abcdef', event_id: 'e-1', tenant: 'brand-a', target_index: 'x-events-security-2026.11.01', status: 400, error_type: 'document_parsing_exception', reason: 'r', raw: { event: { id: 'e-1' }, audit: { tenant: 'brand-a' } } as never }
}

t.test('a replay is marked only once its job is confirmed on disk, as ingest answers only then', async t => {
  const marked: string[] = []
  const added: unknown[] = []
  const store = { get: async () => ref, markReplayed: async (refs: LetterRef[]) => { marked.push(...refs.map(r => r.docId)) } } as unknown as DeadLetterStore
  const queue = { add: async (_name: string, data: unknown) => { added.push(data) } } as unknown as EventsQueue
  let onDisk = false
  const durable = { ready: async () => {}, confirm: async () => { if (!onDisk) throw new Error('WAITAOF timed out') } }
  const service = new DeadLetterService(store, queue, { durable })
  const actor = { keyId: 'k', tenant: null }
  await t.rejects(service.replayOne(actor, '0123456789abcdef'), { statusCode: 503, message: /letters stay pending/ })
  t.equal(added.length, 1, 'queued')
  t.same(marked, [], 'but not confirmed: the letter stays pending')
  onDisk = true
  t.match(await service.replayOne(actor, '0123456789abcdef'), { queued: [{ event_id: 'e-1' }] })
  t.same(marked, [ref.docId])
})

t.test('a replay the queue cannot admit now is refused before anything is queued or marked', async t => {
  const marked: string[] = []
  const added: unknown[] = []
  const store = { get: async () => ref, markReplayed: async (refs: LetterRef[]) => { marked.push(...refs.map(r => r.docId)) } } as unknown as DeadLetterStore
  const queue = { add: async (_name: string, data: unknown) => { added.push(data) } } as unknown as EventsQueue
  const admitted: number[] = []
  const service = new DeadLetterService(store, queue, { admit: async queued => { admitted.push(queued.length); throw new BackpressureError(5, 20_000) } })
  await t.rejects(service.replayOne({ keyId: 'k', tenant: null }, '0123456789abcdef'), { retryAfterSeconds: 5, message: /above its bound/ })
  t.same(admitted, [1], 'asked with the job\'s events')
  t.same(added, [])
  t.same(marked, [])
})

t.test('a replayed event is received again: its event.ingested is the replay\'s time, the rest as refused', async t => {
  const added: Array<{ events: Array<{ id: string, json: string }> }> = []
  let markedAt: Date | undefined
  const refused = { ...ref, letter: { ...ref.letter, raw: { '@timestamp': '2026-11-26T10:00:00.000Z', event: { id: 'e-1', ingested: '2026-11-26T10:00:00.000Z' }, audit: { tenant: 'brand-a' } } as never } }
  const store = { get: async () => refused, markReplayed: async (_refs: LetterRef[], _by: string, at: Date) => { markedAt = at } } as unknown as DeadLetterStore
  const queue = { add: async (_name: string, data: never) => { added.push(data) } } as unknown as EventsQueue
  const before = Date.now()
  await new DeadLetterService(store, queue).replayOne({ keyId: 'k', tenant: null }, '0123456789abcdef')
  const doc = JSON.parse(added[0]?.events[0]?.json ?? '{}')
  t.equal(doc.event.ingested, markedAt?.toISOString(), 'the time the letter is marked replayed')
  t.ok(Date.parse(doc.event.ingested) >= before)
  t.same({ ...doc, event: { ...doc.event, ingested: 'x' } }, { '@timestamp': '2026-11-26T10:00:00.000Z', event: { id: 'e-1', ingested: 'x' }, audit: { tenant: 'brand-a' } })
})

t.test('an event older than its class retention is not replayed: ingest refuses it, and its partition may be gone', async t => {
  const now = Date.parse('2026-12-04T12:00:00.000Z')
  const old = { ...ref, letter: { ...ref.letter, raw: { '@timestamp': '2026-10-01T10:00:00.000Z', event: { id: 'e-1' }, audit: { tenant: 'brand-a', retention: 'interaction' } } as never } }
  const recent = { ...ref, docId: 'brand-a/e-2#fedcba9876543210', letter: { ...ref.letter, letter_id: 'fedcba9876543210', event_id: 'e-2', raw: { '@timestamp': '2026-11-20T10:00:00.000Z', event: { id: 'e-2' }, audit: { tenant: 'brand-a', retention: 'interaction' } } as never } }
  const added: Array<{ events: Array<{ id: string }> }> = []
  const store = {
    get: async () => old,
    getMany: async () => new Map([['0123456789abcdef', old], ['fedcba9876543210', recent]]),
    markReplayed: async () => {}
  } as unknown as DeadLetterStore
  const queue = { add: async (_name: string, data: never) => { added.push(data) } } as unknown as EventsQueue
  const service = new DeadLetterService(store, queue, { retentionDays: { financial: 1825, security: 730, activity: 365, interaction: 30 }, now: () => now })
  await t.rejects(service.replayOne({ keyId: 'k', tenant: null }, '0123456789abcdef'), { statusCode: 409, message: 'event "e-1" is older than the 30-day retention of interaction events: it would be deleted, not stored' })
  const many = await service.replayMany({ keyId: 'k', tenant: null }, { ids: ['0123456789abcdef', 'fedcba9876543210'] })
  t.same(many, { queued: [{ id: 'fedcba9876543210', event_id: 'e-2', tenant: 'brand-a' }], skipped: [{ id: '0123456789abcdef', reason: 'event "e-1" is older than the 30-day retention of interaction events: it would be deleted, not stored' }] })
  t.same(added.map(a => a.events.map(e => e.id)), [['e-2']])
})
