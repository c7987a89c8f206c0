/**
 * Admin commands. Usage: npm run cli -- <command>
 *   queue-stats        jobs per state in the ingest queue
 *   replay-failed      queue failed ingest jobs' events (accepted, not yet stored) again, received again now
 *   retention-sweep    delete expired partitions now (clusters without ILM)
 *   capabilities       what the Elasticsearch cluster offers
 *   keys create --name N --scopes read,export [--tenant T]    create an API key (printed once)
 *   keys list [--tenant T] | keys revoke ID | keys rotate ID
 *   pseudonym FIELD VALUE   the pseudonym stored for a value (to search for it when the field is pseudonymised)
 *   verify --tenant T [--from N --to M | --since SIZE]   recompute a tenant's integrity log (incrementally from the
 *                      checkpoint of size SIZE with --since); exits 1 if anything is wrong
 *   integrity-migrate   move integrity leaves of the earlier per-leaf index into blocks (workers stopped)
 *   entities-rebuild [--tenant T] [--forget]   recompute the entity store from the stored events (safe while ingest
 *                                   runs); --forget drops what events no longer stored taught it
 *   dead-letters list|show ID|replay ID…|replay --all   refused events: list, read whole, queue again (see DEAD_LETTERS_USAGE)
 *   sessions end PERSON   end every single sign-on session of a person (`person:…`, as the access log names them)
 *   secrets status|reseal   how webhook secrets and stream tokens are stored; seal them all again with
 *                      SILLAGE_SECRETS_KEY after a change of key (the former one in SILLAGE_SECRETS_KEY_PREVIOUS)
 */
import { loadConfigOrExit } from '../compose/runtime.ts'
import { createEs } from '../store/elasticsearch.ts'
import { detectCapabilities } from '../store/capabilities.ts'
import { sweepRetention } from '../store/events/retention-sweep.ts'
import { sweepRecords } from '../store/system/records-retention.ts'
import { connectRedis, createRedis } from '../queue/redis.ts'
import { createEventsQueue, retryFailedJobs } from '../queue/events-queue.ts'
import { KeysStore } from '../store/system/keys-store.ts'
import { KeyService } from '../auth/key-service.ts'
import { SCOPES, type Scope } from '../auth/scopes.ts'
import type { Principal } from '../auth/api-keys.ts'
import { pseudonym } from '../events/pseudonymise.ts'
import { integrityServiceFor, trustedKeysFor } from '../compose/shared.ts'
import { IntegrityStore } from '../store/integrity/integrity-store.ts'
import { installIntegrityIndices } from '../store/integrity/integrity-indices.ts'
import { legacyLeavesIndex, migrateLegacyLeaves } from '../store/integrity/integrity-legacy.ts'
import { PLATFORM_SCOPE } from '../auth/read-scope.ts'
import { EntitiesStore } from '../store/events/entities-store.ts'
import { EventsScanner } from '../store/events/events-scan.ts'
import { rebuildEntities } from '../entities/rebuild.ts'
import { DEFAULT_GRACE_MS } from '../indexer/entity-updater.ts'
import { deadLettersCommand } from './dead-letters.ts'
import { secretsCommand } from './secrets.ts'
import { SessionStore } from '../auth/session-store.ts'

const command = process.argv[2]
const config = loadConfigOrExit()

async function withQueue (work: (queue: ReturnType<typeof createEventsQueue>) => Promise<void>): Promise<void> {
  const redis = createRedis(config.redis, 'producer')
  await connectRedis(redis, config.redis)
  const queue = createEventsQueue(redis, config.queuePrefix)
  try { await work(queue) } finally { await queue.close(); redis.disconnect() }
}

async function withEs (work: (es: ReturnType<typeof createEs>) => Promise<void>): Promise<void> {
  const es = createEs(config.elasticsearchUrl)
  try { await work(es) } finally { await es.close() }
}

/** `--name value` options after the sub-command. */
function option (name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? undefined : process.argv[i + 1]
}

// The command line acts as the platform operator who runs it.
const OPERATOR: Principal = { keyId: 'cli', scopes: ['admin'], tenant: null }

async function keysCommand (es: ReturnType<typeof createEs>): Promise<void> {
  const store = new KeysStore<Scope>(es, config.indexPrefix)
  await store.install(config.indexReplicas)
  const keys = new KeyService(store)
  const [sub, arg] = [process.argv[3], process.argv[4]]
  if (sub === 'create') {
    const scopes = (option('scopes') ?? '').split(',').filter(Boolean)
    const bad = scopes.filter(s => !(SCOPES as readonly string[]).includes(s))
    const name = option('name')
    if (name === undefined || scopes.length === 0 || bad.length > 0) throw new Error(`keys create --name <name> --scopes <${SCOPES.join('|')},...> [--tenant <tenant>]${bad.length > 0 ? ` (unknown: ${bad.join(', ')})` : ''}`)
    const created = await keys.create({ name, scopes: scopes as Scope[], tenant: option('tenant') ?? null }, OPERATOR)
    console.log(`key (shown once, store it now): ${created.key}`)
    console.log(JSON.stringify(created.info, null, 2))
  } else if (sub === 'list') {
    const tenant = option('tenant')
    const all = await keys.list(OPERATOR)
    console.log(JSON.stringify(tenant === undefined ? all : all.filter(k => k.tenant === tenant), null, 2))
  } else if ((sub === 'revoke' || sub === 'rotate') && arg !== undefined) {
    const result = sub === 'revoke' ? await keys.revoke(arg, OPERATOR) : await keys.rotate(arg, OPERATOR)
    if ('key' in result) console.log(`new key (shown once): ${result.key}`)
    console.log(JSON.stringify('info' in result ? result.info : result, null, 2))
  } else {
    throw new Error('keys create|list|revoke <id>|rotate <id>')
  }
}

async function verifyCommand (es: ReturnType<typeof createEs>): Promise<void> {
  const tenant = option('tenant')
  const seq = (name: string): number | undefined => {
    const value = option(name)
    if (value !== undefined && !/^\d+$/.test(value)) throw new Error(`--${name} must be a sequence number`)
    return value === undefined ? undefined : Number(value)
  }
  const [from, to, since] = [seq('from'), seq('to'), seq('since')]
  if (tenant === undefined) throw new Error('verify --tenant <tenant> [--from <seq>] [--to <seq>] | [--since <checkpoint size>]')
  const service = integrityServiceFor(config, es, await trustedKeysFor(config, { warn: (_details, message) => { console.error(message) } }))
  const report = await service.verify(tenant, { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }), ...(since === undefined ? {} : { since }) }, PLATFORM_SCOPE)
  console.log(JSON.stringify(report, null, 2))
  if (!report.ok) process.exitCode = 1
}

const commands: Record<string, () => Promise<void>> = {
  'dead-letters': () => withEs(async es => { await deadLettersCommand(config, es, process.argv.slice(3), option) }),
  verify: () => withEs(verifyCommand),
  secrets: () => withEs(async es => { await secretsCommand(config, es, process.argv.slice(3)) }),
  keys: () => withEs(keysCommand),
  pseudonym: async () => {
    const [field, value] = [process.argv[3], process.argv[4]]
    if (config.pseudonymise === undefined || field === undefined || value === undefined) throw new Error('pseudonym <field> <value>, with SILLAGE_PSEUDONYMISE and SILLAGE_PSEUDONYM_KEY set')
    console.log(pseudonym(config.pseudonymise.key, field, value))
  },
  sessions: async () => {
    const person = process.argv[4]
    if (process.argv[3] !== 'end' || person === undefined || !/^person:[0-9a-f]{8}:.+$/.test(person)) throw new Error('sessions end <person id: person:…>')
    const redis = createRedis(config.redis, 'producer')
    await connectRedis(redis, config.redis)
    try {
      await new SessionStore(redis, config.queuePrefix, config.session).endAllOf(person)
      console.log(`every session of ${person} opened until now is ended`)
    } finally { redis.disconnect() }
  },
  'queue-stats': () => withQueue(async queue => {
    console.log(JSON.stringify(await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed'), null, 2))
  }),
  'replay-failed': () => withQueue(async queue => {
    console.log(`${await retryFailedJobs(queue)} failed job(s) queued again as new jobs, their events received again now, with every attempt ahead of them`)
  }),
  'retention-sweep': () => withEs(async es => {
    const caps = await detectCapabilities(es)
    const now = Date.now()
    const partitions = caps.ilm ? { skipped: 'this cluster has ILM: its lifecycle policies delete expired partitions' } : await sweepRetention(es, config.indexPrefix, config.retentionDays, now)
    console.log(JSON.stringify({ ...partitions, records: await sweepRecords(es, config.indexPrefix, config.retentionDays, now) }, null, 2))
  }),
  capabilities: () => withEs(async es => { console.log(JSON.stringify(await detectCapabilities(es), null, 2)) }),
  'entities-rebuild': () => withEs(async es => {
    const tenant = option('tenant')
    const store = new EntitiesStore(es, config.indexPrefix)
    await store.install(config.indexReplicas)
    const report = await rebuildEntities(es, config.indexPrefix, store, new EventsScanner(es, config.indexPrefix), {
      graceMs: DEFAULT_GRACE_MS, log: line => { console.error(line) }, forget: process.argv.includes('--forget'), ...(tenant === undefined ? {} : { tenant })
    })
    // Complete from now on: the worker has kept every entity it touched during the rebuild up to date.
    if (config.entities) await store.setComplete(tenant ?? '*')
    else console.error('SILLAGE_ENTITIES is off: the store stays marked incomplete, since the worker does not maintain it')
    console.log(JSON.stringify(report, null, 2))
  }),
  'integrity-migrate': () => withEs(async es => {
    await installIntegrityIndices(es, config.indexPrefix, config.indexReplicas, true)
    const moved = await migrateLegacyLeaves(es, config.indexPrefix, new IntegrityStore(es, config.indexPrefix), line => { console.error(line) })
    console.log(moved === 0 ? 'nothing to migrate' : `${moved} leaves moved into blocks; ${legacyLeavesIndex(config.indexPrefix)} deleted`)
  })
}

const run = command === undefined ? undefined : commands[command]
if (run === undefined) {
  console.error(`usage: npm run cli -- <${Object.keys(commands).join('|')}>`)
  process.exit(2)
}
await run()
