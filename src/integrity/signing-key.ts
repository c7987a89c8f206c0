import { createPrivateKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto'
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { keyIdOf, rawPublicKey } from './checkpoint.ts'
import { parseEd25519Text } from './key-text.ts'

// PKCS#8 DER header of an Ed25519 private key (RFC 8410): the 32-byte seed follows.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

/**
 * The checkpoint signing key from configuration: a PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----", as
 * `openssl genpkey -algorithm ed25519` writes it) or the base64 of a 32-byte Ed25519 seed. Throws with the reason.
 */
export function parseSigningKey (text: string): KeyObject {
  return parseEd25519Text(text,
    pem => createPrivateKey({ key: pem, format: 'pem' }),
    seed => createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' }),
    'must be a PKCS#8 PEM or the base64 of a 32-byte Ed25519 seed')
}

/** Where a development key is kept when none is configured: beside the checkpoint file. */
export const devKeyPath = (checkpointFile: string): string => join(dirname(checkpointFile), 'signing-key.pem')

/**
 * A development key, made once and reused, so the API and the worker on one machine sign and verify with the
 * same key. Written under a temporary name and linked into place, so a concurrent reader never sees half a file.
 */
export async function loadOrCreateDevKey (path: string): Promise<{ key: KeyObject, created: boolean }> {
  try {
    return { key: parseSigningKey(await readFile(path, 'utf8')), created: false }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  await mkdir(dirname(path), { recursive: true })
  const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`
  await writeFile(tmp, pem, { mode: 0o600 })
  try {
    await link(tmp, path)
    return { key: parseSigningKey(pem), created: true }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    return { key: parseSigningKey(await readFile(path, 'utf8')), created: false }
  } finally {
    await unlink(tmp)
  }
}

/**
 * The configured key, or else the development key (made on first use) with a warning that names its public
 * key: checkpoints signed by a key kept on disk beside the log prove little against whoever can read the disk.
 */
export async function signingKeyFor (configured: string | undefined, checkpointFile: string, warn: (details: object, message: string) => void): Promise<KeyObject> {
  if (configured !== undefined) return parseSigningKey(configured)
  const path = devKeyPath(checkpointFile)
  let dev: { key: KeyObject, created: boolean }
  try {
    dev = await loadOrCreateDevKey(path)
  } catch (err) {
    throw new Error(`SILLAGE_SIGNING_KEY is not set and no development key can be kept at ${path} (${(err as Error).message}); set SILLAGE_SIGNING_KEY`)
  }
  warn({ path, keyId: keyIdOf(dev.key), publicKey: rawPublicKey(dev.key).toString('base64') }, `SILLAGE_SIGNING_KEY is not set: checkpoints are signed with a development key ${dev.created ? 'made now' : 'made earlier'}; set a key of your own outside development`)
  return dev.key
}
