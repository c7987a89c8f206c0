import { type Static, Type } from '@sinclair/typebox'
import { Filters } from '../query/filters.ts'
import { SortSpec } from '../query/search-request.ts'

export const FORMATS = ['csv', 'ndjson', 'json', 'pdf'] as const
export type ExportFormat = typeof FORMATS[number]

const Query = Type.Optional(Type.String({ maxLength: 2000, description: 'KQL, as in search' }))
const TimeZone = Type.Optional(Type.String({ maxLength: 64, description: 'Zone for dates and date math in the KQL query' }))

/** An export: the same filters, KQL and sort as a search, and how to write the events. */
export const ExportRequest = Type.Object({
  format: Type.Union(FORMATS.map(f => Type.Literal(f)), { description: 'csv, ndjson (one stored document per line), json (one array) or pdf (a report)' }),
  filters: Type.Optional(Filters),
  query: Query,
  timeZone: TimeZone,
  sort: Type.Optional(Type.Array(SortSpec, { maxItems: 3, description: 'As in search; default time, newest first; ties are broken by event id' })),
  columns: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
    minItems: 1, maxItems: 100, description: 'CSV columns: fields or objects (source.geo) flattened to dotted headers. Other formats hold whole documents'
  })),
  bom: Type.Optional(Type.Boolean({ description: 'CSV: start with a UTF-8 byte order mark, for Excel' }))
}, { additionalProperties: false, $id: 'ExportRequest' })
export type ExportRequest = Static<typeof ExportRequest>

/** An evidence pack: every event of a user, a session or a search, with a report, a summary and proofs. */
export const EvidencePackRequest = Type.Object({
  userId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'The events about this user' })),
  sessionId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'The events of this session' })),
  filters: Type.Optional(Filters),
  query: Query,
  timeZone: TimeZone,
  title: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Title of the report, such as a case reference' }))
}, { additionalProperties: false, $id: 'EvidencePackRequest' })
export type EvidencePackRequest = Static<typeof EvidencePackRequest>

export const JOB_STATES = ['queued', 'running', 'completed', 'failed', 'expired'] as const
export type JobState = typeof JOB_STATES[number]

/** What the owner of a background export sees of it. */
export const ExportJobView = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('export'), Type.Literal('evidence-pack')]),
  format: Type.String({ description: 'csv, ndjson, json, pdf, or zip for an evidence pack' }),
  status: Type.Union(JOB_STATES.map(s => Type.Literal(s))),
  progress: Type.Object({
    rows: Type.Integer({ description: 'Events written so far' }),
    total: Type.Integer({ description: 'Events to write (counted when the job started; before that, when it was requested)' })
  }),
  created_at: Type.String(),
  expires_at: Type.String({ description: 'The file and this status are deleted after this time' }),
  requested_by: Type.String({ description: 'Key id of the requester' }),
  completed_at: Type.Optional(Type.String()),
  rows: Type.Optional(Type.Integer({ description: 'Events in the file' })),
  bytes: Type.Optional(Type.Integer()),
  sha256: Type.Optional(Type.String({ description: 'SHA-256 of the file as downloaded' })),
  events_sha256: Type.Optional(Type.String({ description: 'PDF and evidence packs: SHA-256 of the NDJSON of the exported events (see the integrity page)' })),
  error: Type.Optional(Type.String()),
  download_url: Type.Optional(Type.String()),
  manifest_url: Type.Optional(Type.String({ description: 'Evidence packs: the pack\'s manifest (files and digests, events, proofs and checkpoints) without downloading the pack' }))
}, { $id: 'ExportJobView' })
export type ExportJobView = Static<typeof ExportJobView>
