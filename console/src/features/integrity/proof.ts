import type { Checkpoint } from './types.ts'

const hexBytes = (hex: string): Uint8Array<ArrayBuffer> => new Uint8Array((hex.match(/../g) ?? []).map(b => parseInt(b, 16)))
const base64Bytes = (b64: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(b64), c => c.charCodeAt(0))
const toHex = (b: ArrayBuffer): string => [...new Uint8Array(b)].map(x => x.toString(16).padStart(2, '0')).join('')

async function node (left: Uint8Array, right: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const data = new Uint8Array(1 + left.length + right.length)
  data[0] = 1
  data.set(left, 1)
  data.set(right, 1 + left.length)
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data))
}

/**
 * The root an RFC 6962 audit path leads to from a leaf (RFC 9162 §2.1.3.2), in hex; null when the path does
 * not fit the position and tree size. Numbers are halved, not shifted: positions may pass 2^31.
 */
export async function rootFromPath (seq: number, treeSize: number, leafHex: string, path: string[]): Promise<string | null> {
  if (seq < 0 || seq >= treeSize) return null
  let fn = seq
  let sn = treeSize - 1
  let r = hexBytes(leafHex)
  for (const p of path) {
    if (sn === 0) return null
    if (fn % 2 === 1 || fn === sn) {
      r = await node(hexBytes(p), r)
      while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2) }
    } else {
      r = await node(r, hexBytes(p))
    }
    fn = Math.floor(fn / 2); sn = Math.floor(sn / 2)
  }
  return sn === 0 ? toHex(r.buffer) : null
}

/** The exact bytes a checkpoint's signature covers: the canonical JSON of root, size, tenant and time. */
export const signedBytes = (c: Checkpoint): Uint8Array<ArrayBuffer> =>
  new TextEncoder().encode(JSON.stringify({ root: c.root, size: c.size, tenant: c.tenant, time: c.time }))

/** Whether the Ed25519 signature of a checkpoint verifies with a public key (raw, base64); null if the browser cannot tell. */
export async function signatureValid (c: Checkpoint, publicKey: string): Promise<boolean | null> {
  let key: CryptoKey
  try { key = await crypto.subtle.importKey('raw', base64Bytes(publicKey), { name: 'Ed25519' }, false, ['verify']) } catch { return null }
  return await crypto.subtle.verify({ name: 'Ed25519' }, key, base64Bytes(c.signature), signedBytes(c))
}

export type SignatureCheck = 'valid' | 'invalid' | 'untrusted' | 'unknown'

/**
 * A checkpoint's signature checked with the trusted key of the id it names (the service's list), never with a key
 * sent beside it: a checkpoint signed by any other key is `untrusted`, whatever key an answer carries.
 */
export async function checkSignature (c: Checkpoint, trusted: ReadonlyArray<{ keyId: string, publicKey: string }>): Promise<SignatureCheck> {
  const key = trusted.find(k => k.keyId === c.keyId)
  if (key === undefined) return 'untrusted'
  const valid = await signatureValid(c, key.publicKey)
  return valid === null ? 'unknown' : valid ? 'valid' : 'invalid'
}
