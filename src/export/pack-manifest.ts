import { type Static, type TString, Type } from '@sinclair/typebox'
import type { ExportPlan } from './export-plan.ts'
import type { Requester } from './jobs.ts'
import type { Summary } from './summary.ts'

const Hex = (description: string): TString => Type.String({ pattern: '^[0-9a-f]{64}$', description })
const NullableString = (): ReturnType<typeof Type.Union<[TString, ReturnType<typeof Type.Null>]>> => Type.Union([Type.String(), Type.Null()])

/** A signed checkpoint that the pack's inclusion proofs lead to. */
export const PackCheckpoint = Type.Object({
  tenant: Type.String(),
  size: Type.Integer({ description: 'Leaves (events) of the tenant\'s log the checkpoint covers' }),
  root: Hex('RFC 6962 root of those leaves'),
  time: Type.String({ description: 'When the checkpoint was signed (ISO 8601, UTC)' }),
  keyId: Type.String({ description: 'The signing key (first 16 hex digits of SHA-256 over the raw Ed25519 public key)' }),
  proofs: Type.Integer({ description: 'Proofs of this pack that lead to this checkpoint' })
}, { additionalProperties: false })
export type PackCheckpoint = Static<typeof PackCheckpoint>

/** `manifest.json` of an evidence pack: what it holds, how it was made, and how to check it. */
export const EvidencePackManifest = Type.Object({
  format: Type.Literal('sillage-evidence-pack/1'),
  title: Type.String(),
  created_at: Type.String({ description: 'When the pack was requested (ISO 8601, UTC)' }),
  created_by: Type.Object({ key_id: Type.String(), tenant: NullableString() }, { additionalProperties: false }),
  masked: Type.Boolean({ description: 'Personal fields masked (a read:masked key made it)' }),
  selection: Type.Object({
    filters: Type.Optional(Type.Unknown({ description: 'The filters of the request, with the user or session it named' })),
    query: Type.Optional(Type.String()),
    timeZone: Type.Optional(Type.String())
  }, { additionalProperties: false }),
  order: Type.String({ description: 'The order of the events, in words' }),
  events: Type.Integer({ description: 'Events in events.ndjson' }),
  period: Type.Object({ first: NullableString(), last: NullableString() }, { additionalProperties: false, description: 'Time of the first and the last event' }),
  files: Type.Array(Type.Object({ path: Type.String(), sha256: Hex('SHA-256 of the file'), bytes: Type.Integer() }, { additionalProperties: false }), { description: 'Every other file of the pack' }),
  events_sha256: Hex('SHA-256 of events.ndjson'),
  report_events_sha256: Hex('The digest report.pdf states for the events it lists (equal to events_sha256)'),
  integrity: Type.Object({
    proofs: Type.Integer({ description: 'Events with an inclusion proof in integrity/proofs.ndjson' }),
    events_without_proof: Type.Integer(),
    missing: Type.Optional(Type.Array(Type.Object({ event_id: Type.String(), reason: Type.String() }, { additionalProperties: false }), { description: 'Each event without a proof, with the reason (such as not sealed yet)' })),
    checkpoints: Type.Optional(Type.Array(PackCheckpoint, { description: 'The signed checkpoints the proofs lead to (one per tenant, unless a new one was signed while the pack was made)' })),
    note: Type.String()
  }, { additionalProperties: false }),
  verify: Type.Array(Type.String(), { description: 'How to check the pack without the service' })
}, { additionalProperties: false, $id: 'EvidencePackManifest' })
export type EvidencePackManifest = Static<typeof EvidencePackManifest>

/** What a pack learns while it is written, for its manifest. */
export interface PackFacts {
  files: Array<{ path: string, sha256: string, bytes: number }>
  events: number
  eventsSha256: string
  reportEventsSha256: string
  /** Undefined: no integrity service was available. */
  proofs?: { missing: Array<{ event_id: string, reason: string }>, checkpoints: PackCheckpoint[] }
}

export function packManifest (plan: ExportPlan, requester: Requester, createdAt: string, summary: Summary, facts: PackFacts): EvidencePackManifest {
  const p = facts.proofs
  return {
    format: 'sillage-evidence-pack/1',
    title: plan.title,
    created_at: createdAt,
    created_by: { key_id: requester.keyId, tenant: requester.tenant },
    masked: requester.masked,
    selection: plan.selection,
    order: plan.sortLabel,
    events: facts.events,
    period: summary.period,
    files: facts.files,
    events_sha256: facts.eventsSha256,
    report_events_sha256: facts.reportEventsSha256,
    integrity: p === undefined
      ? { proofs: 0, events_without_proof: facts.events, note: requester.masked ? 'a pack with personal data masked holds no proofs: their hashes commit to the clear events, and would let masked values be guessed; a key that reads clear data makes a pack with proofs' : 'no integrity service was available: no event of this pack has a proof' }
      : {
          proofs: facts.events - p.missing.length,
          events_without_proof: p.missing.length,
          missing: p.missing,
          checkpoints: p.checkpoints,
          note: 'each line of integrity/proofs.ndjson is the RFC 6962 inclusion proof of one event in its tenant\'s log, with the signed checkpoint it leads to' +
            (requester.masked ? '; leaves are hashes of the stored events, which this masked pack does not hold in clear' : '')
        },
    verify: [
      'sha256sum every file and compare with files[].sha256',
      'report.pdf states on its last page the SHA-256 of the events it lists: it equals events_sha256, the digest of events.ndjson',
      'for each proof: recompute the root from leaf, seq, treeSize and auditPath (RFC 6962 section 2.1.1), compare it with the checkpoint root, and verify the checkpoint signature with the public key'
    ]
  }
}

/** The checkpoint an inclusion proof leads to, counted once per (tenant, size, root). */
export function countCheckpoint (seen: Map<string, PackCheckpoint>, proof: unknown): void {
  const c = (proof as { checkpoint?: Partial<Record<'tenant' | 'root' | 'time' | 'keyId', unknown>> & { size?: unknown } } | null)?.checkpoint
  if (c === undefined || typeof c.tenant !== 'string' || typeof c.size !== 'number' || typeof c.root !== 'string') return
  const key = `${c.tenant}#${c.size}#${c.root}`
  const known = seen.get(key)
  if (known !== undefined) { known.proofs++; return }
  seen.set(key, { tenant: c.tenant, size: c.size, root: c.root, time: String(c.time ?? ''), keyId: String(c.keyId ?? ''), proofs: 1 })
}
