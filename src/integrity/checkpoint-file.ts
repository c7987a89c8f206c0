import { createReadStream } from 'node:fs'
import { mkdir, open } from 'node:fs/promises'
import { dirname } from 'node:path'
import { createInterface } from 'node:readline'
import type { SignedCheckpoint } from './checkpoint.ts'

/** One line of the file: a signed checkpoint and the log (index prefix) it belongs to. */
export interface CheckpointLine extends SignedCheckpoint { log: string }

export interface TenantLines {
  /** The line equal in size and time to the checkpoint asked about, if any. */
  same?: CheckpointLine
  /** The largest checkpoint of the tenant in the file. */
  latest?: CheckpointLine
}

/**
 * An append-only NDJSON file of signed checkpoints: a copy of the proof kept outside Elasticsearch. Each line is
 * appended with O_APPEND and fsynced before the checkpoint counts as made. Ship the file to write-once storage.
 */
export class CheckpointFile {
  constructor (readonly path: string, private readonly log: string) {}

  async append (cp: SignedCheckpoint): Promise<void> {
    const line: CheckpointLine = {
      log: this.log, tenant: cp.tenant, size: cp.size, root: cp.root, time: cp.time, keyId: cp.keyId, signature: cp.signature,
      ...(cp.origin === undefined ? {} : { origin: cp.origin }), ...(cp.noteSignature === undefined ? {} : { noteSignature: cp.noteSignature })
    }
    await mkdir(dirname(this.path), { recursive: true })
    const file = await open(this.path, 'a', 0o640)
    try {
      await file.write(JSON.stringify(line) + '\n')
      await file.sync()
    } finally {
      await file.close()
    }
  }

  /** The tenant's lines of interest; undefined when there is no file at all. */
  async find (tenant: string, like?: { size: number, time: string }): Promise<TenantLines | undefined> {
    const result: TenantLines = {}
    const stream = createReadStream(this.path, 'utf8')
    try {
      await new Promise<void>((resolve, reject) => { stream.once('open', () => resolve()).once('error', reject) })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw err
    }
    for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
      const line = parseLine(text)
      if (line === undefined || line.log !== this.log || line.tenant !== tenant) continue
      if (result.latest === undefined || line.size >= result.latest.size) result.latest = line
      if (like !== undefined && line.size === like.size && line.time === like.time) result.same = line
    }
    return result
  }
}

function parseLine (text: string): CheckpointLine | undefined {
  try {
    const v = JSON.parse(text) as Partial<CheckpointLine>
    const strings = [v.log, v.tenant, v.root, v.time, v.keyId, v.signature].every(s => typeof s === 'string')
    const note = [v.origin, v.noteSignature].every(s => s === undefined || typeof s === 'string')
    return strings && note && typeof v.size === 'number' ? v as CheckpointLine : undefined
  } catch {
    // A damaged line counts as absent: the checkpoint it held will be reported missing from the file.
    return undefined
  }
}
