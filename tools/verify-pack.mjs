#!/usr/bin/env node
// Checks a Sillage evidence pack, or a consistency proof between two checkpoints, offline, with Node alone:
// no npm package, no access to the service. Copy this one file to whoever must check your evidence.
//
//   node verify-pack.mjs <pack.zip> --public-key <base64 | key file>
//   node verify-pack.mjs consistency <old-checkpoint.json> <consistency.json> --public-key <base64 | key file>
//   node verify-pack.mjs consistency <old-checkpoint.json> <new-checkpoint.json> --proof <proof.json> --public-key <…>
//
// --public-key takes the raw Ed25519 key in base64 (the `publicKey` of GET /v1/integrity/public-key), or a file
// holding it, a PEM, or that route's JSON; repeat it for keys used before a rotation. Prints each failure as
// "FAIL <file>[, event <id>]: <reason>" and exits 1 if there is any, 2 if the input cannot be read at all.
import { Buffer } from 'node:buffer'
import { createHash, createPublicKey, verify } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import process from 'node:process'
import { inflateRawSync } from 'node:zlib'

const out = line => process.stdout.write(line + '\n')
const sha256 = (...parts) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest()
const hex = b => b.toString('hex')
/** JSON with keys sorted by UTF-16 code units and no spaces (RFC 8785 for the values events hold). */
const canonical = v => Array.isArray(v) ? `[${v.map(canonical).join(',')}]`
  : v !== null && typeof v === 'object' ? `{${Object.keys(v).sort().map(k => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`
    : JSON.stringify(v)
const node = (l, r) => sha256(Buffer.from([1]), l, r)

class Unreadable extends Error {}

// ---- zip archives (what the service writes: stored or deflated entries, no zip64) ----
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0 })
const crc32 = buf => { let c = 0xffffffff; for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0 }

function readZip (bytes, fail) {
  let end = bytes.length - 22
  while (end >= 0 && bytes.readUInt32LE(end) !== 0x06054b50) end--
  if (end < 0) throw new Unreadable('not a zip archive (no end of central directory)')
  const files = new Map()
  let at = bytes.readUInt32LE(end + 16)
  for (let i = 0; i < bytes.readUInt16LE(end + 10); i++) {
    if (bytes.readUInt32LE(at) !== 0x02014b50) throw new Unreadable('damaged zip central directory')
    const u16 = o => bytes.readUInt16LE(at + o)
    const u32 = o => bytes.readUInt32LE(at + o)
    const [method, crc, size, usize, nameLen, extraLen, commentLen, local] = [u16(10), u32(16), u32(20), u32(24), u16(28), u16(30), u16(32), u32(42)]
    const name = bytes.toString('utf8', at + 46, at + 46 + nameLen)
    at += 46 + nameLen + extraLen + commentLen
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28)
    let data
    try {
      data = method === 0 ? bytes.subarray(start, start + size) : method === 8 ? inflateRawSync(bytes.subarray(start, start + size)) : undefined
    } catch (err) { fail(name, `cannot be decompressed (${err.message})`); continue }
    if (data === undefined) { fail(name, `uses zip method ${method}, which this tool does not read`); continue }
    if (data.length !== usize || crc32(data) !== crc) fail(name, 'is damaged inside the archive (size or CRC-32 differs from the zip directory)')
    files.set(name, data)
  }
  return files
}

// ---- Merkle proofs (RFC 9162 §2.1.3.2 and §2.1.4.2) ----
function rootFromPath (leaf, index, size, path) {
  if (!(index >= 0 && index < size)) return undefined
  let [fn, sn, r] = [index, size - 1, leaf]
  for (const p of path) {
    if (sn === 0) return undefined
    if (fn % 2 === 1 || fn === sn) {
      r = node(p, r)
      while (fn % 2 === 0 && fn !== 0) { fn /= 2; sn = Math.floor(sn / 2) }
    } else r = node(r, p)
    fn = Math.floor(fn / 2); sn = Math.floor(sn / 2)
  }
  return sn === 0 ? r : undefined
}

function consistent (m, n, oldRoot, newRoot, proof) {
  if (!(m > 0 && m <= n)) return false
  if (m === n) return proof.length === 0 && oldRoot.equals(newRoot)
  const path = Number.isInteger(Math.log2(m)) ? [oldRoot, ...proof] : [...proof]
  if (path.length === 0) return false
  let [fn, sn] = [m - 1, n - 1]
  while (fn % 2 === 1) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2) }
  let fr = path[0]
  let sr = fr
  for (const c of path.slice(1)) {
    if (sn === 0) return false
    if (fn % 2 === 1 || fn === sn) {
      fr = node(c, fr); sr = node(c, sr)
      while (fn % 2 === 0 && fn !== 0) { fn /= 2; sn = Math.floor(sn / 2) }
    } else sr = node(sr, c)
    fn = Math.floor(fn / 2); sn = Math.floor(sn / 2)
  }
  return sn === 0 && fr.equals(oldRoot) && sr.equals(newRoot)
}

// ---- keys and checkpoint signatures ----
function loadKey (value) {
  let text = existsSync(value) ? readFileSync(value, 'utf8').trim() : value.trim()
  if (text.startsWith('{')) text = String(JSON.parse(text).publicKey ?? '')
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) throw new Unreadable(`--public-key ${value}: a private key; give the public key (GET /v1/integrity/public-key), and keep the private key where it is`)
  const key = text.startsWith('-----BEGIN') ? createPublicKey(text) : createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(text, 'base64').toString('base64url') }, format: 'jwk' })
  const raw = Buffer.from(key.export({ format: 'jwk' }).x ?? '', 'base64url')
  if (key.asymmetricKeyType !== 'ed25519' || raw.length !== 32) throw new Unreadable(`--public-key ${value}: not an Ed25519 public key`)
  return [hex(sha256(raw)).slice(0, 16), key]
}

/** Undefined when the checkpoint is signed by one of the keys, else why not. */
function signatureProblem (cp, keys) {
  const key = keys.get(cp.keyId) ?? (cp.keyId === undefined && keys.size === 1 ? [...keys.values()][0] : undefined)
  if (key === undefined) return `is signed by key ${cp.keyId}, which is not among the public keys given`
  const ok = (message, sig) => { try { return verify(null, Buffer.from(message), key, Buffer.from(String(sig), 'base64')) } catch { return false } }
  if (!ok(canonical({ root: cp.root, size: cp.size, tenant: cp.tenant, time: cp.time }), cp.signature)) return `has a signature that does not verify with the given public key ${cp.keyId ?? ''}`.trimEnd()
  if (cp.origin !== undefined && !ok(`${cp.origin}\n${cp.size}\n${Buffer.from(cp.root, 'hex').toString('base64')}\n`, cp.noteSignature)) return 'has a signed-note signature that does not verify with the given public key'
  return undefined
}
const cpName = cp => `checkpoint ${cp.tenant}#${cp.size}`

// ---- evidence packs ----
function verifyPack (path, keys, fail, note) {
  const files = readZip(readFileSync(path), fail)
  const text = name => files.get(name)?.toString('utf8')
  if (!files.has('manifest.json')) throw new Unreadable(`${path}: no manifest.json: not an evidence pack`)
  let manifest
  try { manifest = JSON.parse(text('manifest.json')) } catch { throw new Unreadable(`${path}: manifest.json is not JSON`) }
  const listed = new Set(['manifest.json'])
  for (const f of manifest.files ?? []) {
    listed.add(f.path)
    const data = files.get(f.path)
    if (data === undefined) { fail(f.path, 'is missing from the pack (manifest.json lists it)'); continue }
    if (hex(sha256(data)) !== f.sha256) fail(f.path, `has SHA-256 ${hex(sha256(data))}, manifest.json says ${f.sha256}`)
    if (data.length !== f.bytes) fail(f.path, `has ${data.length} bytes, manifest.json says ${f.bytes}`)
  }
  for (const name of files.keys()) if (!listed.has(name)) fail(name, 'is in the pack but not listed in manifest.json')
  const eventsFile = files.get('events.ndjson')
  if (eventsFile === undefined) return { events: 0, proofs: 0, checkpoints: new Set() }
  if (hex(sha256(eventsFile)) !== manifest.events_sha256) fail('events.ndjson', `has SHA-256 ${hex(sha256(eventsFile))}, manifest.json events_sha256 says ${manifest.events_sha256}`)
  const events = new Map()
  text('events.ndjson').split('\n').forEach((line, i) => {
    if (line === '') return
    try { const e = JSON.parse(line); events.set(`${e.audit?.tenant}\u0000${e.event?.id}`, e) } catch { fail(`events.ndjson, line ${i + 1}`, 'is not JSON') }
  })
  if (events.size !== manifest.events) fail('events.ndjson', `holds ${events.size} events, manifest.json says ${manifest.events}`)
  const proven = new Set()
  const byCheckpoint = new Map()
  const proofLines = (text('integrity/proofs.ndjson') ?? '').split('\n')
  // Masked events are not as stored, so a masked pack holds no proofs; the manifest is not signed, and a
  // pack claiming to be masked must not make the tool take leaves on trust.
  if (manifest.masked === true && proofLines.some(line => line !== '')) fail('integrity/proofs.ndjson', 'holds proofs, but manifest.json says the pack is masked, and masked packs hold none: one of the two was altered')
  else if (manifest.masked === true) note('the pack is masked: its events are not as stored, so they cannot be proven')
  ;(manifest.masked === true ? [] : proofLines).forEach((line, i) => {
    // Numbered as in the file: blank lines count.
    if (line === '') return
    let id, p
    try { ({ event_id: id, proof: p } = JSON.parse(line)); if (typeof p?.checkpoint !== 'object') throw new Error() } catch { fail(`integrity/proofs.ndjson, line ${i + 1}`, 'is not a proof'); return }
    const where = `integrity/proofs.ndjson, event ${id}`
    const event = events.get(`${p.tenant}\u0000${id}`)
    proven.add(`${p.tenant}\u0000${id}`)
    if (event === undefined) { fail(where, `proves an event of ${p.tenant} that events.ndjson does not hold`); return }
    const leaf = sha256(Buffer.from([0]), Buffer.from(canonical(event), 'utf8'))
    if (hex(leaf) !== p.leaf) { fail(`events.ndjson, event ${id}`, `hashes to leaf ${hex(leaf)}, but its proof is for leaf ${p.leaf}: the event is not the one that was sealed`); return }
    const cp = p.checkpoint
    const root = rootFromPath(leaf, p.seq, p.treeSize, (p.auditPath ?? []).map(h => Buffer.from(h, 'hex')))
    if (p.treeSize !== cp.size || cp.tenant !== p.tenant) fail(where, `is a proof in a tree of ${p.treeSize} leaves of ${p.tenant}, but its ${cpName(cp)} is of ${cp.tenant}`)
    else if (root === undefined) fail(where, `has an audit path of ${p.auditPath?.length} hashes, which cannot lead from seq ${p.seq} to the root of ${p.treeSize} leaves`)
    else if (hex(root) !== cp.root) fail(where, `has an audit path leading to root ${hex(root)}, not to the root ${cp.root} of its ${cpName(cp)}`)
    const key = canonical(cp)
    byCheckpoint.set(key, [...(byCheckpoint.get(key) ?? []), id])
  })
  for (const [key, ids] of byCheckpoint) {
    const cp = JSON.parse(key)
    const problem = signatureProblem(cp, keys)
    if (problem !== undefined) fail(`integrity/proofs.ndjson, ${ids.length === 1 ? `event ${ids[0]}` : `events ${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ` and ${ids.length - 3} more` : ''}`}`, `its ${cpName(cp)} ${problem}`)
  }
  const missing = new Map((manifest.integrity?.missing ?? []).map(m => [m.event_id, m.reason]))
  for (const [k, e] of events) {
    if (proven.has(k)) continue
    if (missing.has(e.event?.id)) note(`event ${e.event?.id} has no proof: ${missing.get(e.event?.id)}`)
    else fail(`events.ndjson, event ${e.event?.id}`, 'has no inclusion proof, and manifest.json does not list it as missing one')
  }
  return { events: events.size, proofs: proven.size, checkpoints: new Set([...byCheckpoint.keys()].map(k => cpName(JSON.parse(k)))) }
}

// ---- consistency between a checkpoint held and a newer one ----
const readJson = file => { try { return JSON.parse(readFileSync(file, 'utf8')) } catch (err) { throw new Unreadable(`${file}: ${err.message}`) } }
const checkpointIn = v => typeof v?.root === 'string' && typeof v?.size === 'number' ? v : v?.checkpoint ?? v?.new

function verifyConsistencyFiles (oldFile, newFile, proofFile, keys, fail) {
  const old = checkpointIn(readJson(oldFile))
  const answer = readJson(newFile)
  const newer = checkpointIn(answer)
  const proof = Array.isArray(answer.proof) ? answer.proof : proofFile === undefined ? undefined : [readJson(proofFile)].map(p => Array.isArray(p) ? p : p.proof)[0]
  if (old === undefined || newer === undefined || !Array.isArray(proof)) throw new Unreadable('give the checkpoint you hold, and the consistency answer (or the newer checkpoint and --proof)')
  for (const [file, cp] of [[oldFile, old], [newFile, newer]]) { const p = signatureProblem(cp, keys); if (p !== undefined) fail(file, `its ${cpName(cp)} ${p}`) }
  if (old.tenant !== newer.tenant) fail(newFile, `is a checkpoint of ${newer.tenant}, the one held is of ${old.tenant}`)
  const served = answer.old
  if (served && (served.size !== old.size || served.root !== old.root)) fail(newFile, `proves from the checkpoint of size ${served.size} with root ${served.root}, not from the one held (size ${old.size}, root ${old.root})`)
  if (!consistent(old.size, newer.size, Buffer.from(old.root, 'hex'), Buffer.from(newer.root, 'hex'), proof.map(h => Buffer.from(h, 'hex')))) {
    fail(newFile, `has a consistency proof that does not lead from root ${old.root} (size ${old.size}) to root ${newer.root} (size ${newer.size}): the newer checkpoint does not extend the one held`)
  }
  return { old, newer }
}

// ---- command line ----
function main (argv) {
  const keys = new Map()
  const positional = []
  let proofFile
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--public-key') keys.set(...loadKey(argv[++i] ?? ''))
    else if (argv[i] === '--proof') proofFile = argv[++i]
    else positional.push(argv[i])
  }
  const consistency = positional[0] === 'consistency'
  if (keys.size === 0 || positional.length !== (consistency ? 3 : 1)) throw new Unreadable('usage: verify-pack.mjs <pack.zip> --public-key <key> | verify-pack.mjs consistency <old.json> <new.json> [--proof <proof.json>] --public-key <key>')
  const failures = []
  const fail = (where, reason) => { failures.push(where); out(`FAIL ${where}: ${reason}`) }
  if (consistency) {
    const { old, newer } = verifyConsistencyFiles(positional[1], positional[2], proofFile, keys, fail)
    if (failures.length === 0) out(`OK ${cpName(newer)} (root ${newer.root}) extends the ${cpName(old)} held (root ${old.root})`)
  } else {
    const r = verifyPack(positional[0], keys, fail, text => out(`NOTE ${text}`))
    const against = [...r.checkpoints].join(', ') || 'no checkpoint'
    // The manifest's list of events missing a proof is not signed: such events are shown unproven, not passed.
    if (failures.length === 0 && r.proofs < r.events) {
      out(`NOT PROVEN ${positional[0]}: every file matches manifest.json; ${r.proofs} of ${r.events} events proven against ${against}; the other ${r.events - r.proofs} have no proof (NOTE lines): this pack does not show they are as sealed`)
      return 3
    }
    if (failures.length === 0) out(`OK ${positional[0]}: every file matches manifest.json; ${r.events} events, ${r.proofs} inclusion proofs verified against ${against}`)
  }
  if (failures.length > 0) out(`${failures.length} problem(s) found`)
  return failures.length === 0 ? 0 : 1
}

try {
  process.exitCode = main(process.argv.slice(2))
} catch (err) {
  process.stderr.write(`${err instanceof Unreadable ? '' : 'cannot verify: '}${err.message}\n`)
  process.exitCode = 2
}
