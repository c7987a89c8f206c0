import type { Es } from './elasticsearch.ts'

export interface Capabilities {
  version: string
  /** Index lifecycle management (x-pack). Absent on the bare local engine: retention is then swept by the worker. */
  ilm: boolean
}

export async function detectCapabilities (es: Es): Promise<Capabilities> {
  const info = await es.info()
  return { version: info.version.number, ilm: await hasIlm(es) }
}

async function hasIlm (es: Es): Promise<boolean> {
  try {
    await es.ilm.getStatus()
    return true
  } catch (err) {
    const status = (err as { meta?: { statusCode?: number } }).meta?.statusCode
    // A node without x-pack has no handler for the route: 400 "no handler found" or 404/405.
    if (status === 400 || status === 404 || status === 405 || status === 410) return false
    throw err
  }
}
