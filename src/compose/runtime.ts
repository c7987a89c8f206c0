import { pino, type Logger } from 'pino'
import { ConfigError, loadConfig, type Config } from '../config/config.ts'
import { createEs, pingEs, type Es } from '../store/elasticsearch.ts'
import { detectCapabilities, type Capabilities } from '../store/capabilities.ts'
import { installTemplates } from '../store/templates.ts'

/** Shared start-up of both processes: configuration, logger, store. */
export function loadConfigOrExit (): Config {
  try {
    return loadConfig()
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    console.error(err.message)
    process.exit(2)
  }
}

export function createLogger (config: Config, name: string): Logger {
  return pino({ name, level: config.logLevel })
}

/** Connects to Elasticsearch, learns what it offers, and installs templates and policies (idempotent). */
export async function openStore (config: Config, log: Logger): Promise<{ es: Es, caps: Capabilities }> {
  const es = createEs(config.elasticsearchUrl)
  await pingEs(es, config.elasticsearchUrl)
  const caps = await detectCapabilities(es)
  const { refused } = await installTemplates(es, { prefix: config.indexPrefix, replicas: config.indexReplicas, retentionDays: config.retentionDays, timeSort: config.indexTimeSort }, caps)
  if (refused.length > 0) log.warn({ partitions: refused }, 'event partitions made under another mapping refused the current one: events with fields they lack are dead-lettered there')
  log.info({ version: caps.version, ilm: caps.ilm }, caps.ilm
    ? 'Elasticsearch ready; lifecycle policies installed'
    : 'Elasticsearch ready; no ILM on this cluster, the worker enforces retention itself')
  return { es, caps }
}

/** Runs `stop` once on SIGTERM or SIGINT, then exits; a second signal exits at once. */
export function onShutdown (log: Logger, stop: () => Promise<void>): void {
  let stopping = false
  const handler = (signal: string): void => {
    if (stopping) process.exit(1)
    stopping = true
    log.info({ signal }, 'shutting down')
    stop().then(() => process.exit(0), err => {
      log.error({ err }, 'shutdown failed')
      process.exit(1)
    })
  }
  process.on('SIGTERM', handler)
  process.on('SIGINT', handler)
}
