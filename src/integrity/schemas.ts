import { Type, type Static } from '@sinclair/typebox'

export const PROBLEM_KINDS = ['modified', 'deleted', 'inserted', 'reordered', 'checkpoint_mismatch', 'bad_signature', 'leaf_log_altered'] as const

export const Problem = Type.Object({
  kind: Type.Union(PROBLEM_KINDS.map(k => Type.Literal(k)), {
    description: 'modified: the event at seq no longer hashes to its leaf; deleted: the event at seq is gone; inserted: a stored event of the tenant is not in the log; ' +
      'reordered: the content at seq hashes to the leaf of foundSeq; checkpoint_mismatch: Elasticsearch and the checkpoint file disagree; ' +
      'bad_signature: a checkpoint does not verify with the public key; leaf_log_altered: the stored leaves no longer lead to the signed root'
  }),
  seq: Type.Optional(Type.Integer({ description: 'Position in the tenant\'s log' })),
  eventId: Type.Optional(Type.String()),
  index: Type.Optional(Type.String({ description: 'Partition index of the event' })),
  foundSeq: Type.Optional(Type.Integer({ description: 'reordered: the position whose leaf the content found at seq has' })),
  source: Type.Optional(Type.Union([Type.Literal('index'), Type.Literal('file')], { description: 'Which copy of a checkpoint: Elasticsearch or the append-only file' })),
  size: Type.Optional(Type.Integer({ description: 'Size of the checkpoint concerned' })),
  detail: Type.String()
})
export type Problem = Static<typeof Problem>

export const Checkpoint = Type.Object({
  tenant: Type.String(),
  size: Type.Integer({ description: 'Number of leaves (events) the checkpoint covers: seq 0 to size - 1' }),
  root: Type.String({ description: 'RFC 6962 Merkle tree hash of those leaves, hex' }),
  time: Type.String({ description: 'When the checkpoint was made (ISO 8601, UTC)' }),
  keyId: Type.String({ description: 'First 16 hex digits of SHA-256 over the raw Ed25519 public key' }),
  signature: Type.String({ description: 'Ed25519 signature (base64) over {"root":…,"size":…,"tenant":…,"time":…} (canonical JSON, no spaces)' })
})

export const VerifyQuery = Type.Object({
  tenant: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9_-]*$', maxLength: 40, description: 'The tenant whose log to verify; defaults to the key\'s own tenant' })),
  from: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'First sequence number (default 0)' })),
  to: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Last sequence number (default: the last, at most 1,000,000 after from)' }))
})

export const VerifyReport = Type.Object({
  ok: Type.Boolean(),
  tenant: Type.String(),
  from: Type.Integer(),
  to: Type.Integer({ description: 'Last sequence number checked (from - 1 when the range is empty)' }),
  checked: Type.Integer({ description: 'Leaves whose events were fetched and rehashed' }),
  expired: Type.Integer({ description: 'Leaves whose events retention has removed with their partition (not a problem)' }),
  checkpoint: Type.Union([Checkpoint, Type.Null()], { description: 'The signed checkpoint the root was checked against' }),
  insertionsScanned: Type.Integer({ description: 'Stored events of the tenant looked up in the log' }),
  problems: Type.Array(Problem),
  omitted: Type.Integer({ description: 'Problems found beyond the first 1,000, not listed' })
})
export type VerifyReport = Static<typeof VerifyReport>

export const InclusionProof = Type.Object({
  tenant: Type.String(),
  eventId: Type.String(),
  eventIndex: Type.String({ description: 'Partition index holding the event' }),
  seq: Type.Integer({ description: 'Leaf index of the event in the tenant\'s log' }),
  leaf: Type.String({ description: 'SHA-256(0x00 || canonical JSON of the stored event), hex' }),
  treeSize: Type.Integer(),
  auditPath: Type.Array(Type.String(), { description: 'RFC 6962 audit path, nearest the leaf first, hex' }),
  root: Type.String({ description: 'Root of the tree of treeSize leaves, hex' }),
  checkpoint: Type.Composite([Checkpoint, Type.Object({ publicKey: Type.String({ description: 'Raw Ed25519 public key, base64' }) })])
})
export type InclusionProof = Static<typeof InclusionProof>

export const PublicKey = Type.Object({
  algorithm: Type.Literal('Ed25519'),
  keyId: Type.String(),
  publicKey: Type.String({ description: 'Raw 32-byte public key, base64' }),
  pem: Type.String({ description: 'The same key as SubjectPublicKeyInfo PEM' }),
  trusted: Type.Array(Type.Object({ keyId: Type.String(), publicKey: Type.String() }), { description: 'Every key whose checkpoints verify here: the current one and earlier ones kept after a rotation (SILLAGE_VERIFY_KEYS)' })
})
export type PublicKey = Static<typeof PublicKey>
