import { zipEntry } from './zip.ts'

/** What the console shows of an evidence pack's manifest.json (schema EvidencePackManifest of the API). */
export interface PackManifest {
  format: string
  title: string
  created_at: string
  created_by: { key_id: string, tenant: string | null }
  masked: boolean
  order: string
  events: number
  period: { first: string | null, last: string | null }
  files: Array<{ path: string, sha256: string, bytes: number }>
  events_sha256: string
  integrity: {
    proofs: number
    events_without_proof: number
    checkpoints?: Array<{ tenant: string, size: number, root: string, time: string, keyId: string, proofs: number }>
  }
}

/** The manifest as text (exactly as the pack holds it, to copy) and read. */
export interface ManifestText { text: string, manifest: PackManifest }

export function parseManifest (text: string): ManifestText {
  const manifest = JSON.parse(text) as PackManifest
  if (typeof manifest !== 'object' || manifest === null || !Array.isArray(manifest.files) || typeof manifest.events_sha256 !== 'string') {
    throw new Error('manifest.json is not an evidence pack manifest')
  }
  return { text, manifest }
}

/** manifest.json of a pack the console holds (a streamed pack is its answer). */
export async function manifestOfPack (pack: ArrayBuffer): Promise<ManifestText> {
  const entry = await zipEntry(pack, 'manifest.json')
  if (entry === undefined) throw new Error('the pack has no manifest.json')
  return parseManifest(new TextDecoder().decode(entry))
}

/** Lines as `sha256sum` prints them, so that `sha256sum -c` checks the unpacked files against them. */
export const digestLines = (m: PackManifest): string => m.files.map(f => `${f.sha256}  ${f.path}\n`).join('')
