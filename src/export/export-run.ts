import { createHash } from 'node:crypto'
import type { estypes } from '@elastic/elasticsearch'
import { maskEvent } from '../auth/masking.ts'
import type { ReadScope } from '../auth/read-scope.ts'
import { csvChunks } from './csv.ts'
import { zipPack, type PackSource, type PackedFile } from './evidence-pack.ts'
import { countCheckpoint, packManifest, type EvidencePackManifest, type PackCheckpoint } from './pack-manifest.ts'
import type { ExportPlan } from './export-plan.ts'
import { mapPage, type DocPage } from '../store/events/events-export.ts'
import type { Requester } from './jobs.ts'
import { jsonArrayChunks, ndjsonChunks, serialised } from './ndjson.ts'
import { pdfReport, type ReportMeta, type ReportResult } from './pdf-report.ts'
import { proofOf, type ProofProvider } from './proofs.ts'
import { SUMMARY_AGGS, summaryOf, type Summary } from './summary.ts'

/** The frozen view an export reads (a point in time in the store). */
export interface Snapshot {
  count: (query: estypes.QueryDslQueryContainer) => Promise<number>
  aggregate: (query: estypes.QueryDslQueryContainer, aggs: Record<string, estypes.AggregationsAggregationContainer>) => Promise<Record<string, estypes.AggregationsAggregate>>
  /** Documents parsed as each page is iterated (a page is iterated once). */
  pages: (opts: { query: estypes.QueryDslQueryContainer, sort: estypes.SortCombinations[], source?: readonly string[] }) => AsyncIterable<DocPage>
  /** Whole stored documents as the JSON bytes the store returns, never parsed. */
  sourcePages: (opts: { query: estypes.QueryDslQueryContainer, sort: estypes.SortCombinations[] }) => AsyncIterable<Buffer[]>
  close: () => Promise<void>
}

export interface RunContext {
  snapshot: Snapshot
  plan: ExportPlan
  requester: Requester
  exportedAt: string
  /** Reports and packs only: the summary of the same snapshot. */
  summary?: Summary
  proofs?: ProofProvider
  /** Called as events are handed to the writer (progress). */
  onRows?: (rows: number) => void
}

/** Known once the output has been read to its end. */
export interface RunOutcome { rows: number, bytes: number, sha256: string, eventsSha256?: string, manifest?: EvidencePackManifest }

export const needsSummary = (plan: ExportPlan): boolean => plan.format === 'pdf' || plan.format === 'zip'

export async function summarise (snapshot: Snapshot, plan: ExportPlan, total: number): Promise<Summary> {
  return summaryOf(total, await snapshot.aggregate(plan.query, SUMMARY_AGGS))
}

type Docs = AsyncGenerator<DocPage>

async function * events (ctx: RunContext, counted: (n: number) => void, source?: readonly string[]): Docs {
  const pages = ctx.snapshot.pages({ query: ctx.plan.query, sort: ctx.plan.sort, ...(source === undefined ? {} : { source }) })
  for await (const page of pages) {
    counted(page.length)
    yield ctx.requester.masked ? mapPage(page, doc => maskEvent(doc)) : page
  }
}

/** Whole documents as JSON text: as stored (never parsed) unless they must be masked. */
async function * documents (ctx: RunContext, counted: (n: number) => void): AsyncGenerator<ReadonlyArray<string | Buffer>> {
  if (ctx.requester.masked) {
    yield * serialised(events(ctx, counted))
    return
  }
  for await (const page of ctx.snapshot.sourcePages({ query: ctx.plan.query, sort: ctx.plan.sort })) {
    counted(page.length)
    yield page
  }
}

function meta (ctx: RunContext): ReportMeta {
  const s = ctx.plan.selection
  return {
    title: ctx.plan.title, exportedAt: ctx.exportedAt, keyId: ctx.requester.keyId, tenant: ctx.requester.tenant, masked: ctx.requester.masked,
    sort: ctx.plan.sortLabel,
    ...(s.filters === undefined ? {} : { filters: s.filters }), ...(s.query === undefined ? {} : { query: s.query }), ...(s.timeZone === undefined ? {} : { timeZone: s.timeZone })
  }
}

async function * sha256Of (chunks: AsyncIterable<string | Buffer>, done: (hex: string) => void): AsyncGenerator<string | Buffer> {
  const hash = createHash('sha256')
  for await (const c of chunks) { hash.update(c); yield c }
  done(hash.digest('hex'))
}

async function * proofLines (ctx: RunContext, provider: ProofProvider, missing: Array<{ event_id: string, reason: string }>, checkpoints: Map<string, PackCheckpoint>): AsyncGenerator<string> {
  const scope: ReadScope = ctx.requester
  for await (const page of events(ctx, () => undefined, ['event.id', 'audit.tenant'])) {
    let chunk = ''
    // A few proofs at a time: each one reads the log, and a pack may hold thousands.
    const docs = [...page]
    for (let i = 0; i < docs.length; i += 8) {
      const few = docs.slice(i, i + 8)
      const ids = few.map(d => String((d.event as { id?: unknown } | undefined)?.id))
      // Tenants may share an event id: each proof comes from the log of the event's own tenant.
      const tenants = few.map(d => String((d.audit as { tenant?: unknown } | undefined)?.tenant))
      const outcomes = await Promise.all(ids.map((id, k) => proofOf(provider, id, scope.tenant === null ? { ...scope, tenant: tenants[k] as string } : scope)))
      outcomes.forEach((o, k) => {
        const id = ids[k] as string
        if ('proof' in o) {
          chunk += JSON.stringify({ event_id: id, proof: o.proof }) + '\n'
          countCheckpoint(checkpoints, o.proof)
        } else missing.push({ event_id: id, reason: o.missing })
      })
    }
    yield chunk
  }
}

function pack (ctx: RunContext, summary: Summary, outcome: RunOutcome): AsyncIterable<Buffer> {
  const report: ReportResult = { rows: 0, eventsSha256: '' }
  const missing: Array<{ event_id: string, reason: string }> = []
  const checkpoints = new Map<string, PackCheckpoint>()
  // No proofs in a masked pack: their hashes would let masked values be guessed (IntegrityService.proofFor).
  const provider = ctx.requester.masked ? undefined : ctx.proofs
  const sources: PackSource[] = [
    { path: 'summary.json', chunks: () => [JSON.stringify({ title: ctx.plan.title, generated_at: ctx.exportedAt, selection: ctx.plan.selection, ...summary }, null, 2) + '\n'] },
    { path: 'events.ndjson', chunks: () => sha256Of(ndjsonChunks(serialised(events(ctx, n => { outcome.rows += n; ctx.onRows?.(outcome.rows) }))), hex => { outcome.eventsSha256 = hex }) },
    { path: 'report.pdf', chunks: () => pdfReport(meta(ctx), summary, events(ctx, () => undefined), report) },
    ...(provider === undefined ? [] : [{ path: 'integrity/proofs.ndjson', chunks: () => proofLines(ctx, provider, missing, checkpoints) }]),
    ...(provider?.publicKey === undefined ? [] : [{ path: 'integrity/public-key.json', chunks: () => [JSON.stringify(provider.publicKey?.(), null, 2) + '\n'] }])
  ]
  const manifest = (files: PackedFile[]): EvidencePackManifest => {
    outcome.manifest = packManifest(ctx.plan, ctx.requester, ctx.exportedAt, summary, {
      files,
      events: outcome.rows,
      eventsSha256: outcome.eventsSha256 ?? '',
      reportEventsSha256: report.eventsSha256,
      ...(provider === undefined ? {} : { proofs: { missing, checkpoints: [...checkpoints.values()] } })
    })
    return outcome.manifest
  }
  return zipPack(sources, manifest, new Date(ctx.exportedAt))
}

/**
 * The bytes of an export, produced as they are read: nothing but the current page (and, for a pack, the file
 * being archived) is held. `outcome` is complete once the stream has been read to its end.
 */
export async function * produce (ctx: RunContext, outcome: RunOutcome): AsyncGenerator<Buffer> {
  const plan = ctx.plan
  const count = (n: number): void => { outcome.rows += n; ctx.onRows?.(outcome.rows) }
  let chunks: AsyncIterable<string | Buffer>
  const report: ReportResult = { rows: 0, eventsSha256: '' }
  switch (plan.format) {
    case 'csv': chunks = csvChunks(events(ctx, count, plan.source), plan.columns ?? [], { bom: plan.bom }); break
    case 'ndjson': chunks = ndjsonChunks(documents(ctx, count)); break
    case 'json': chunks = jsonArrayChunks(documents(ctx, count)); break
    case 'pdf': chunks = pdfReport(meta(ctx), ctx.summary as Summary, events(ctx, count), report); break
    case 'zip': chunks = pack(ctx, ctx.summary as Summary, outcome); break
  }
  const hash = createHash('sha256')
  for await (const chunk of chunks) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    hash.update(buf)
    outcome.bytes += buf.length
    yield buf
  }
  outcome.sha256 = hash.digest('hex')
  if (plan.format === 'ndjson') outcome.eventsSha256 = outcome.sha256
  if (plan.format === 'pdf') outcome.eventsSha256 = report.eventsSha256
}
