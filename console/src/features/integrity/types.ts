/** Shapes of the integrity routes (src/integrity/schemas.ts). */
export type TrustedKeys = ReadonlyArray<{ keyId: string, publicKey: string }>
export interface PublicKey { algorithm: 'Ed25519', keyId: string, publicKey: string, pem: string, trusted: TrustedKeys }

export interface Checkpoint { tenant: string, size: number, root: string, time: string, keyId: string, signature: string }

/** GET /v1/integrity/checkpoint: the latest checkpoint, the key that signed it and its signed-note form. */
export type LatestCheckpoint = Checkpoint & { publicKey: string, origin?: string, noteSignature?: string, note?: string, noteVerifierKey?: string }

export interface Proof {
  tenant: string
  eventId: string
  eventIndex: string
  seq: number
  leaf: string
  treeSize: number
  auditPath: string[]
  root: string
  checkpoint: Checkpoint & { publicKey: string }
}

export interface Problem { kind: string, seq?: number, eventId?: string, index?: string, foundSeq?: number, source?: string, size?: number, detail: string }

export interface VerifyReport {
  ok: boolean
  tenant: string
  from: number
  to: number
  checked: number
  expired: number
  checkpoint: Checkpoint | null
  insertionsScanned: number
  problems: Problem[]
  omitted: number
}
