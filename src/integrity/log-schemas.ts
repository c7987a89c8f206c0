import { Type, type Static } from '@sinclair/typebox'
import { Checkpoint, VerifyQuery, VerifyReport } from './schemas.ts'

/** Schemas of the checkpoint list, the latest checkpoint, consistency proofs and incremental verification. */

const tenant = Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9_-]*$', maxLength: 40, description: 'The tenant whose log; defaults to the key\'s own tenant, required for platform keys' }))
const size = (description: string, minimum = 0): ReturnType<typeof Type.Integer> => Type.Integer({ minimum, maximum: Number.MAX_SAFE_INTEGER, description })

export const StoredCheckpoint = Type.Composite([Checkpoint, Type.Object({
  origin: Type.Optional(Type.String({ description: 'Origin line of the checkpoint as a C2SP signed note (tlog-checkpoint): `<SILLAGE_CHECKPOINT_ORIGIN>/<tenant>`; absent on checkpoints made before notes' })),
  noteSignature: Type.Optional(Type.String({ description: 'Ed25519 signature (base64) over the note text `<origin>\\n<size>\\n<base64 root>\\n`' }))
})])

export const KeyedCheckpoint = Type.Composite([StoredCheckpoint, Type.Object({ publicKey: Type.String({ description: 'The raw Ed25519 public key (base64) that signed it' }) })])

export const CheckpointsQuery = Type.Object({
  tenant,
  from: Type.Optional(size('Largest size to list: the `next` of the previous page (default: from the latest)')),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Checkpoints per page' }))
})

export const CheckpointList = Type.Object({
  tenant: Type.String(),
  checkpoints: Type.Array(Type.Composite([StoredCheckpoint, Type.Object({ verified: Type.Boolean({ description: 'Its signatures verify with a key trusted here' }) })]), { description: 'Newest (largest) first' }),
  next: Type.Union([Type.Integer(), Type.Null()], { description: 'The `from` of the next page; null on the last page' })
})
export type CheckpointList = Static<typeof CheckpointList>

export const LatestQuery = Type.Object({
  tenant,
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('note')], { default: 'json', description: 'note: the C2SP signed note (text/plain), as witnesses and transparency-log tools read it' }))
})

export const LatestCheckpoint = Type.Composite([KeyedCheckpoint, Type.Object({
  note: Type.Optional(Type.String({ description: 'The same checkpoint as a C2SP signed note (absent on checkpoints made before notes)' })),
  noteVerifierKey: Type.Optional(Type.String({ description: 'The note verifier key `<origin>+<hex key id>+<base64(0x01 || public key)>` to configure a witness or a client with' }))
})])
export type LatestCheckpoint = Static<typeof LatestCheckpoint>

export const ConsistencyQuery = Type.Object({
  tenant,
  from: size('Size of the older checkpoint (the one you hold); 0 gives an empty proof'),
  to: Type.Optional(size('Size of the newer checkpoint (default: the latest)', 1)),
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('witness')], { default: 'json', description: 'witness: the body of a C2SP tlog-witness add-checkpoint request (text/plain): `old <from>`, the proof in base64, a blank line and the newer checkpoint as a signed note' }))
})

export const ConsistencyProof = Type.Object({
  tenant: Type.String(),
  from: Type.Integer(),
  to: Type.Integer(),
  proof: Type.Array(Type.String(), { description: 'RFC 6962 §2.1.2 / RFC 9162 §2.1.4 consistency proof from size `from` to size `to`, hex' }),
  old: Type.Union([KeyedCheckpoint, Type.Null()], { description: 'The signed checkpoint of size `from` (null when from is 0)' }),
  new: KeyedCheckpoint
})
export type ConsistencyProof = Static<typeof ConsistencyProof>

export const VerifySinceQuery = Type.Composite([VerifyQuery, Type.Object({
  since: Type.Optional(size('Incremental verification from the checkpoint of this size (the last one you verified): checks that the latest checkpoint extends it and rehashes only the events sealed after it. Not with from or to', 1))
})])

export const VerifyOutcome = Type.Composite([VerifyReport, Type.Object({
  mode: Type.Union([Type.Literal('full'), Type.Literal('incremental')], { description: 'incremental: only the events from `since` on were rehashed' }),
  since: Type.Optional(StoredCheckpoint),
  consistency: Type.Optional(Type.Union([Type.Object({ from: Type.Integer(), to: Type.Integer(), proof: Type.Array(Type.String()) }), Type.Null()], { description: 'The consistency proof from the checkpoint of size `since` to the latest, computed from the stored log and checked' }))
})])
export type VerifyOutcome = Static<typeof VerifyOutcome>
