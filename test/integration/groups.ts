import { readdirSync } from 'node:fs'
import tap from 'tap'
import { useFileTest } from '../helpers/file-test.ts'

/**
 * The integration files, in three groups of about the same length (each file's time in a clean-clone run): a
 * group runs its files one after another in one process (test/integration-<n>.test.ts), instead of one process
 * per file that spent more CPU loading the service and tap than most files spend testing. The groups run side
 * by side, as the files did.
 */
export const GROUPS: readonly (readonly string[])[] = [
  ['access-log', 'alerts', 'bad-input', 'entities', 'integrity-legacy', 'query-engine', 'redis-topologies', 'retention',
    'saved-searches', 'search-pages', 'search', 'security', 'streams-tls', 'watch-rules'],
  ['auth-throttle', 'behaviour', 'cross-tenant', 'entities-updates', 'event-identity', 'ingest', 'integrity-store', 'oidc',
    'samples', 'shared-keys', 'signals', 'verify-pack', 'webhooks', 'whole-answers', 'worker-crash'],
  ['analytics', 'dead-letters', 'es-nodes', 'exports', 'integrity-checkpoints', 'integrity', 'mapping-upgrade', 'masked-reads', 'monitoring',
    'openapi', 'partition-start', 'periodic-queue', 'risk', 'rules', 'seal-turn', 'streams']
]

/** Runs group `n` (from 1): each file in a subtest of its own, which the file's `t` is while it runs. */
export function runGroup (n: number): void {
  // A group takes minutes: tap's limit per process is for one file.
  tap.setTimeout(20 * 60_000)
  tap.test('every integration file is in exactly one group', async t => {
    const files = readdirSync(new URL('.', import.meta.url)).filter(f => f.endsWith('.test.ts')).map(f => f.slice(0, -'.test.ts'.length))
    t.same(GROUPS.flat().sort(), files.sort(), 'test/integration/*.test.ts and GROUPS name the same files, once each')
  })
  const group = GROUPS[n - 1]
  if (group === undefined) throw new Error(`no integration group ${n}: there are ${GROUPS.length}`)
  for (const name of group) {
    tap.test(`test/integration/${name}.test.ts`, async t => {
      useFileTest(t)
      await import(new URL(`${name}.test.ts`, import.meta.url).href)
    })
  }
}
