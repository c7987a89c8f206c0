import type { Es } from '../store/elasticsearch.ts'
import type { Config } from '../config/config.ts'
import { storedSecretsFor } from '../compose/shared.ts'
import { StaleVersion } from '../store/system/versioned-docs.ts'
import { webhooksStore } from '../store/system/webhooks-store.ts'
import { StreamsStore, StreamVersionConflict } from '../store/system/streams-store.ts'
import type { SecretState, StoredSecrets } from '../store/system/stored-secrets.ts'
import { webhookRecord, type StoredWebhook } from '../notify/webhook-schema.ts'
import { streamRecord } from '../streams/destination.ts'

export const SECRETS_USAGE = 'secrets status | secrets reseal'

/** One kept secret: where it is, how it is stored, and how to store it again (compare-and-set on what was read). */
interface Kept { record: string, stored: string, write: (value: string) => Promise<void> }

type Counts = Record<SecretState, number>
const ATTEMPTS = 3

async function keptSecrets (es: Es, config: Config): Promise<Record<'webhooks' | 'streams', () => Promise<Kept[]>>> {
  const webhooks = webhooksStore<StoredWebhook>(es, config.indexPrefix)
  const streams = new StreamsStore(es, config.indexPrefix)
  // The indices the API makes at its start, so that a service that never had a webhook reads none.
  await webhooks.install(config.indexReplicas)
  await streams.install(config.indexReplicas)
  return {
    webhooks: async () => (await webhooks.all()).map(({ id, version, ...doc }) => ({
      record: webhookRecord(id), stored: doc.secret, write: async secret => { await webhooks.replace(id, { ...doc, secret }, version) }
    })),
    streams: async () => (await streams.list(null)).flatMap(({ id, doc, version }) => {
      const d = doc.destination
      if (d.type !== 'http' || d.token === undefined) return []
      return [{ record: streamRecord(id), stored: d.token, write: async (token: string) => { await streams.replace(id, { ...doc, destination: { ...d, token } }, version) } }]
    })
  }
}

function count (secrets: StoredSecrets, kept: Kept[]): Counts {
  const counts: Counts = { current: 0, previous: 0, clear: 0, 'unknown key': 0 }
  for (const k of kept) counts[secrets.state(k.stored)]++
  return counts
}

/**
 * Seals every kept secret again with SILLAGE_SECRETS_KEY: those sealed with SILLAGE_SECRETS_KEY_PREVIOUS and
 * those stored in clear. Each is written only if unchanged since read (re-read and retried otherwise), so it
 * runs safely beside the API and the workers, which open both keys meanwhile.
 */
async function reseal (secrets: StoredSecrets, list: () => Promise<Kept[]>): Promise<{ resealed: number, failed: Array<{ record: string, reason: string }> }> {
  let pending = await list()
  let resealed = 0
  const failed = new Map<string, string>()
  for (let attempt = 1; attempt <= ATTEMPTS && pending.length > 0; attempt++) {
    const stale = new Set<string>()
    for (const k of pending) {
      try {
        const value = secrets.reseal(k.stored, k.record)
        if (value === undefined) continue
        await k.write(value)
        resealed++
        failed.delete(k.record)
      } catch (err) {
        if (err instanceof StaleVersion || err instanceof StreamVersionConflict) stale.add(k.record)
        failed.set(k.record, (err as Error).message)
      }
    }
    pending = stale.size === 0 ? [] : (await list()).filter(k => stale.has(k.record))
  }
  return { resealed, failed: Array.from(failed, ([record, reason]) => ({ record, reason })) }
}

/** `secrets …`: how the kept secrets are stored, and sealing them again after a change of key. */
export async function secretsCommand (config: Config, es: Es, argv: string[]): Promise<void> {
  const secrets = storedSecretsFor(config)
  const kinds = await keptSecrets(es, config)
  const keys = { key: secrets.keyId ?? null, previous: secrets.previousKeyId ?? null }
  if (argv[0] === 'status') {
    const report: Record<string, unknown> = { ...keys }
    for (const [kind, list] of Object.entries(kinds)) report[kind] = count(secrets, await list())
    console.log(JSON.stringify(report, null, 2))
  } else if (argv[0] === 'reseal') {
    if (config.secretsKey === undefined) throw new Error('secrets reseal needs SILLAGE_SECRETS_KEY: the key to seal with')
    const report: Record<string, unknown> = { ...keys }
    let failures = 0
    for (const [kind, list] of Object.entries(kinds)) {
      const result = await reseal(secrets, list)
      report[kind] = result
      failures += result.failed.length
    }
    console.log(JSON.stringify(report, null, 2))
    if (failures > 0) process.exitCode = 1
  } else {
    throw new Error(SECRETS_USAGE)
  }
}
