import { createHash, createPublicKey, verify } from 'node:crypto'

/**
 * A second, independent reading of RFC 6962 and of the checkpoint format, written from the definitions
 * (recursive PATH(m, D[n]) rather than the iterative check the service uses), to check the service against.
 */
export const sha = (...parts: Buffer[]): Buffer => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest()

/** Sorted keys, no spaces: what the canonical form must be for values parsed from JSON. */
export const canon = (v: unknown): string => Array.isArray(v)
  ? `[${v.map(canon).join(',')}]`
  : v !== null && typeof v === 'object'
    ? `{${Object.keys(v).sort().map(k => `${JSON.stringify(k)}:${canon((v as Record<string, unknown>)[k])}`).join(',')}}`
    : JSON.stringify(v)

/** The root a leaf and its audit path lead to, following PATH(m, D[n]) of RFC 6962 §2.1.1 backwards. */
export function rootFromPath (index: number, size: number, leaf: Buffer, path: Buffer[]): Buffer {
  if (size === 1) {
    if (path.length !== 0) throw new Error('path too long')
    return leaf
  }
  let k = 1
  while (k * 2 < size) k *= 2
  const sibling = path[path.length - 1]
  if (sibling === undefined) throw new Error('path too short')
  const rest = path.slice(0, -1)
  return index < k
    ? sha(Buffer.from([1]), rootFromPath(index, k, leaf, rest), sibling)
    : sha(Buffer.from([1]), sibling, rootFromPath(index - k, size - k, leaf, rest))
}

export interface Proof {
  tenant: string
  seq: number
  leaf: string
  treeSize: number
  auditPath: string[]
  root: string
  checkpoint: { tenant: string, size: number, root: string, time: string, keyId: string, signature: string, publicKey: string }
}

/** What a third party does with a stored event, its proof and the public key (raw, base64). */
export function thirdPartyVerifies (event: unknown, proof: Proof, publicKeyB64: string): boolean {
  const leaf = sha(Buffer.from([0]), Buffer.from(canon(event)))
  if (leaf.toString('hex') !== proof.leaf) return false
  let root: Buffer
  try {
    root = rootFromPath(proof.seq, proof.treeSize, leaf, proof.auditPath.map(h => Buffer.from(h, 'hex')))
  } catch {
    return false
  }
  const cp = proof.checkpoint
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKeyB64, 'base64').toString('base64url') }, format: 'jwk' })
  const signed = Buffer.from(JSON.stringify({ root: cp.root, size: cp.size, tenant: cp.tenant, time: cp.time }))
  return root.toString('hex') === cp.root && cp.size === proof.treeSize && verify(null, signed, key, Buffer.from(cp.signature, 'base64'))
}
