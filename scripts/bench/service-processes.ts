/**
 * The service's processes as production runs them: the compiled build (`dist/`, what `npm run build` emits)
 * started with `node dist/server.js` and `node dist/worker.js`, not the TypeScript sources through tsx, whose
 * loader and source maps cost memory that production does not pay.
 */
import { execFile, spawn, type ChildProcess, type StdioOptions } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const ENTRIES = { api: 'dist/server.js', worker: 'dist/worker.js' } as const
export type Role = keyof typeof ENTRIES

/**
 * Node's options each process runs with in production: docker-compose.yml's commands and package.json's start
 * scripts give the same (test/unit/deploy/node-options.test.ts holds them together). Both old generations are
 * capped at 1 GB, which makes V8 grow them to 1.6 times what survives a collection instead of up to 4 times: the
 * worker under the soak's load commits 110-125 MB of heap instead of 175-210, the API at full ingest speed peaks
 * about 100 MB lower (docs/operations.md, Memory).
 */
export const NODE_OPTIONS: Record<Role, readonly string[]> = { api: ['--max-old-space-size=1024'], worker: ['--max-old-space-size=1024'] }

/**
 * Compiles src/ to dist/ as `npm run build` does (tsconfig.build.json), without the type check: the emitted
 * JavaScript is the same (isolated modules), and checking is the typecheck's job, not a benchmark's.
 */
export async function buildService (): Promise<void> {
  await promisify(execFile)(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--noCheck'], { cwd: ROOT })
}

/**
 * Node's options for the service's processes in a benchmark: a CPU profile of each with BENCH_PROFILE=<dir>,
 * and any flags in BENCH_NODE_ARGS (to compare settings, e.g. `--max-semi-space-size=8`), which the benchmark
 * itself does not take. The environment (MALLOC_ARENA_MAX and the like) passes through as it is.
 */
export function benchNodeArgs (): string[] {
  const profile = process.env.BENCH_PROFILE === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
  return [...profile, ...(process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(a => a !== '')]
}

/** Node's arguments for the API or the worker: its production options, the benchmark's, and its entry in the build. */
export const serviceArgs = (role: Role): string[] => [...NODE_OPTIONS[role], ...benchNodeArgs(), ENTRIES[role]]

/** Starts the API or the worker from the build with its production options, and the benchmark's environment on top of this one. */
export function startService (role: Role, env: Record<string, string>, stdio: StdioOptions): ChildProcess {
  return spawn(process.execPath, serviceArgs(role), { cwd: ROOT, env: { ...process.env, ...env }, stdio })
}
