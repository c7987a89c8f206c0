import type { ReadScope } from '../auth/read-scope.ts'
import type { ExportFormat, ExportRequest, EvidencePackRequest, JobState } from './export-request.ts'

/** Who asked: background jobs run with the requester's key, tenant and masking, stored with the job. */
export type Requester = ReadScope

export type ExportJobData =
  | { kind: 'export', request: ExportRequest, owner: Requester, createdAt: string, expiresAt: string, estimated: number }
  | { kind: 'evidence-pack', request: EvidencePackRequest, owner: Requester, createdAt: string, expiresAt: string, estimated: number }

/** What a finished job leaves: the file and how to check it. */
export interface ExportJobResult {
  file: string
  /** An evidence pack's manifest, kept beside it (absent for packs of earlier versions: `<id>.manifest.json`). */
  manifest?: string
  rows: number
  bytes: number
  sha256: string
  eventsSha256?: string
  completedAt: string
}

export interface ExportJobRecord {
  id: string
  data: ExportJobData
  state: Exclude<JobState, 'expired'>
  progress: { rows: number, total: number }
  result?: ExportJobResult
  error?: string
}

/** The job ledger (a queue): the API adds and reads jobs, the worker runs them and removes expired ones. */
export interface ExportJobs {
  enqueue: (id: string, data: ExportJobData) => Promise<void>
  /** How many of a tenant's jobs (null: platform keys') are queued or running. */
  unfinishedOf: (tenant: string | null) => Promise<number>
  get: (id: string) => Promise<ExportJobRecord | undefined>
  /** Jobs that finished (completed or failed for good), for the expiry sweep. */
  finished: () => Promise<ExportJobRecord[]>
  remove: (id: string) => Promise<void>
}

export type OutputFormat = ExportFormat | 'zip'

export const CONTENT_TYPES: Record<OutputFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  json: 'application/json; charset=utf-8',
  pdf: 'application/pdf',
  zip: 'application/zip'
}

export const formatOf = (data: ExportJobData): OutputFormat => data.kind === 'export' ? data.request.format : 'zip'

/** `sillage-export-20261126T140300Z.csv`: sortable, and safe in a Content-Disposition header. */
export function downloadName (kind: ExportJobData['kind'], format: OutputFormat, at: string): string {
  const stamp = at.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')
  return `sillage-${kind === 'export' ? 'export' : 'evidence-pack'}-${stamp}.${format}`
}
