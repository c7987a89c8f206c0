import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from '@sinclair/typebox'
import type { ExportService, Started } from '../../export/export-service.ts'
import { EvidencePackRequest, ExportJobView, ExportRequest } from '../../export/export-request.ts'
import { EvidencePackManifest } from '../../export/pack-manifest.ts'
import type { Requester } from '../../export/jobs.ts'
import { authErrors, ErrorResponse } from '../schemas.ts'
import { readScopeOf } from '../plugins/auth.ts'
import type { Principal } from '../../auth/api-keys.ts'
import { toSearchRequest, type SavedSearchService } from '../../saved/saved-search-service.ts'
import { TimeRange } from '../../saved/schema.ts'
import { bodyCheckedByService } from '../route-validation.ts'

// What each format's body holds: JSON is an array of the stored events, the other formats are text or bytes.
const BODIES: Record<string, object> = {
  'text/csv': { type: 'string', description: 'CSV (RFC 4180, UTF-8, CRLF), one row per event after a header' },
  'application/x-ndjson': { type: 'string', description: 'One stored event per line, as JSON' },
  'application/json': { type: 'array', items: { type: 'object', additionalProperties: true, description: 'A stored event' } },
  'application/pdf': { type: 'string', format: 'binary' },
  'application/zip': { type: 'string', format: 'binary' }
}
const file = (types: string[], description: string): object => ({
  description,
  content: Object.fromEntries(types.map(t => [t, { schema: BODIES[t] }]))
})
const EXPORT_TYPES = ['text/csv', 'application/x-ndjson', 'application/json', 'application/pdf']
const errors = {
  400: Type.Ref(ErrorResponse, { description: 'Invalid filters, KQL, columns or sort, each with its path; or a report above its size limit' }),
  ...authErrors,
  429: Type.Ref(ErrorResponse, { description: 'The tenant has its most background exports queued or running (SILLAGE_EXPORT_PENDING_MAX), or streams its most at once from this server (SILLAGE_EXPORT_STREAM_MAX), or the key\'s rate: retry after Retry-After' })
}
const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) })
const accepted = { ...ExportJobView, description: 'Too large to stream: a background job was queued; follow it at /v1/exports/{id}' }

const exportExample = {
  format: 'csv', bom: true,
  filters: { period: { from: 'now-30d/d', to: 'now', timeZone: 'Europe/Paris' }, category: ['money'] },
  query: 'audit.money.amount >= 1000',
  columns: ['@timestamp', 'event.action', 'user.id', 'audit.money', 'source.geo.country_iso_code', 'message']
}

function requester (request: FastifyRequest): Requester {
  return readScopeOf(request)
}

async function answer (request: FastifyRequest, reply: FastifyReply, started: Started): Promise<unknown> {
  request.resultCount = started.total
  if (started.mode === 'job') return await reply.code(202).header('location', `/v1/exports/${started.job.id}`).send(started.job)
  return await reply.code(200)
    .type(started.contentType)
    .header('content-disposition', `attachment; filename="${started.filename}"`)
    .header('x-export-total', String(started.total))
    .send(started.body)
}

export const exportRoutes: FastifyPluginAsyncTypebox<{ exports: ExportService, saved: SavedSearchService }> = async (app, { exports, saved }) => {
  app.post('/v1/saved-searches/:id/export', {
    config: { scope: 'export' },
    schema: {
      tags: ['exports', 'saved searches'],
      summary: 'Export the events of a saved search (its filters, KQL, time range, sort and columns), as POST /v1/exports',
      params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
      body: Type.Object({
        format: ExportRequest.properties.format,
        bom: Type.Optional(Type.Boolean()),
        timeRange: Type.Optional(TimeRange)
      }, { additionalProperties: false }),
      response: { 200: file(EXPORT_TYPES, 'The export, streamed'), 202: accepted, ...errors, 404: Type.Ref(ErrorResponse) }
    }
  }, async (request, reply) => {
    const s = await saved.get(request.params.id, request.principal as Principal)
    const { fields, size: _size, cursor: _cursor, highlight: _highlight, ...search } = toSearchRequest(s, request.body.timeRange === undefined ? {} : { timeRange: request.body.timeRange })
    const body = { ...search, format: request.body.format, ...(request.body.bom === undefined ? {} : { bom: request.body.bom }), ...(fields === undefined ? {} : { columns: fields }) }
    return await answer(request, reply, await exports.startExport(body, requester(request)))
  })

  app.post('/v1/exports', {
    config: { scope: 'export' },
    // The service validates the body itself so that schema, filter, KQL and column problems come back together.
    ...bodyCheckedByService,
    schema: {
      tags: ['exports'],
      summary: 'Export the events of a search as CSV, NDJSON, JSON or a PDF report',
      description: 'Small exports stream in the answer (200, with X-Export-Total); larger ones answer 202 with a background job.',
      body: { ...ExportRequest, examples: [exportExample, { format: 'ndjson', filters: { userId: ['u-1001'] } }, { format: 'pdf', query: 'audit.importance.level >= high' }] },
      response: { 200: file(EXPORT_TYPES, 'The export, streamed'), 202: accepted, ...errors }
    }
  }, async (request, reply) => await answer(request, reply, await exports.startExport(request.body, requester(request))))

  app.post('/v1/evidence-packs', {
    config: { scope: 'export' },
    // The service validates the body itself so that schema, filter and KQL problems come back together.
    ...bodyCheckedByService,
    schema: {
      tags: ['exports'],
      summary: 'An evidence pack (zip): events.ndjson, summary.json, report.pdf, inclusion proofs and a manifest of SHA-256 digests',
      body: { ...EvidencePackRequest, examples: [{ userId: 'u-1001', filters: { period: { from: 'now-90d/d' } }, title: 'Dispute 2026-118' }, { sessionId: 's-42' }] },
      response: { 200: file(['application/zip'], 'The pack, streamed'), 202: accepted, ...errors }
    }
  }, async (request, reply) => await answer(request, reply, await exports.startPack(request.body, requester(request))))

  app.get('/v1/exports/:id', {
    config: { scope: 'export' },
    schema: {
      tags: ['exports'],
      summary: 'Status and progress of a background export',
      params: Id,
      response: { 200: ExportJobView, ...authErrors, 404: Type.Ref(ErrorResponse, { description: 'No such export for this tenant' }) }
    }
  }, async request => await exports.status(request.params.id, requester(request)))

  app.get('/v1/exports/:id/manifest', {
    config: { scope: 'export' },
    schema: {
      tags: ['exports'],
      summary: 'The manifest of a finished background evidence pack, without downloading the pack',
      description: 'The same bytes as manifest.json inside the pack: every other file with its SHA-256 and size, the events and their digest, the proofs and the signed checkpoints they lead to.',
      params: Id,
      response: {
        200: EvidencePackManifest,
        ...authErrors,
        404: Type.Ref(ErrorResponse, { description: 'No such export for this tenant, or an export that is not an evidence pack' }),
        409: Type.Ref(ErrorResponse, { description: 'Not finished yet' }),
        410: Type.Ref(ErrorResponse, { description: 'Expired and deleted, or not kept apart' })
      }
    }
  }, async (request, reply) => {
    const found = await exports.manifest(request.params.id, requester(request))
    // Sent as kept (not serialised again), so that it is byte for byte the pack's manifest.json.
    return await reply.type('application/json; charset=utf-8').header('content-length', String(found.bytes)).send(found.body as unknown as EvidencePackManifest)
  })

  app.get('/v1/exports/:id/download', {
    config: { scope: 'export' },
    schema: {
      tags: ['exports'],
      summary: 'Download a finished background export',
      params: Id,
      response: {
        200: file([...EXPORT_TYPES, 'application/zip'], 'The file'),
        ...authErrors,
        404: Type.Ref(ErrorResponse, { description: 'No such export for this tenant' }),
        409: Type.Ref(ErrorResponse, { description: 'Not finished yet' }),
        410: Type.Ref(ErrorResponse, { description: 'Expired and deleted' })
      }
    }
  }, async (request, reply) => {
    const found = await exports.download(request.params.id, requester(request))
    request.resultCount = found.rows
    return await reply.type(found.contentType)
      .header('content-disposition', `attachment; filename="${found.filename}"`)
      .header('content-length', String(found.bytes))
      .send(found.body)
  })
}
