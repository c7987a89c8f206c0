import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const ST = join(ROOT, '.local/fuzz-venv/bin/st')
const HOOKS = join(ROOT, 'scripts/fuzz/hooks.py')
export const REPORTS = join(ROOT, 'test-results/fuzz')

/** One schemathesis run: which key, which phases, how many cases per operation, which operations. */
export interface FuzzRun {
  name: string
  key: string
  phases: string
  maxExamples: number
  /** Extra schemathesis filters (`--include-…`), all operations when empty. */
  filters?: string[]
}

export interface FuzzResult {
  name: string
  exitCode: number | null
  cases: number
  operations: number
  seconds: number
  /** The FAILURES and ERRORS sections of schemathesis's report: each case with a curl line that replays it. */
  failures: string
  output: string
}

/** Installs the pinned fuzzer when it is not there yet (scripts/fuzz/install.sh does nothing when it is). */
export function ensureFuzzer (): void {
  const res = spawnSync('bash', [join(ROOT, 'scripts/fuzz/install.sh')], { stdio: 'inherit' })
  if (res.status !== 0 || !existsSync(ST)) throw new Error('the fuzzer could not be installed: run bash scripts/fuzz/install.sh')
}

// Checks: no 5xx, every status documented, every answer as its documented schema.
const CHECKS = 'not_a_server_error,status_code_conformance,response_schema_conformance'

/** Runs schemathesis against the service's own /openapi.json; the run is bounded by its case counts and `timeoutMs`. */
export async function runSchemathesis (base: string, run: FuzzRun, seed: number, timeoutMs: number): Promise<FuzzResult> {
  const args = [
    'run', `${base}/openapi.json`, '--checks', CHECKS, '--phases', run.phases, '--max-examples', String(run.maxExamples),
    // One worker thread: CPython 3.11 can fail parsing in two threads at once ("AST constructor recursion depth
    // mismatch", inside hypothesis); runs go side by side as processes instead.
    '--seed', String(seed), '--workers', '1', '--no-color', '--request-timeout', '60', '--generation-database', 'none',
    '--generation-with-security-parameters', 'false', '--suppress-health-check', 'all', '--output-truncate', 'false',
    '--header', `Authorization: ApiKey ${run.key}`, ...(run.filters ?? [])
  ]
  const started = Date.now()
  const child = spawn(ST, args, { cwd: tmpdir(), env: { ...process.env, SCHEMATHESIS_HOOKS: HOOKS, NO_COLOR: '1' } })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const timer = setTimeout(() => { output += `\n[killed after ${timeoutMs / 1000} s]\n`; child.kill('SIGKILL') }, timeoutMs)
  const exitCode = await new Promise<number | null>(resolve => child.on('close', resolve))
  clearTimeout(timer)
  const seconds = Math.round((Date.now() - started) / 100) / 10
  mkdirSync(REPORTS, { recursive: true })
  writeFileSync(join(REPORTS, `${run.name.replace(/\W+/g, '-')}.txt`), `st ${args.join(' ').replace(run.key, '<key>')}\n\n${output}`)
  return {
    name: run.name, exitCode, seconds, output,
    cases: Number(/(\d+) generated/.exec(output)?.[1] ?? 0),
    operations: Number(/Tested:\s+(\d+)/.exec(output)?.[1] ?? 0),
    failures: sections(output, ['FAILURES', 'ERRORS'])
  }
}

/** The named `=== NAME ===` sections of the report, up to the next section. */
function sections (output: string, names: string[]): string {
  const parts = output.split(/^=+ ([A-Z ]+) =+$/m)
  const out: string[] = []
  for (let i = 1; i < parts.length; i += 2) if (names.includes(parts[i] as string)) out.push(`== ${parts[i]} ==${parts[i + 1]}`)
  return out.join('\n').trim()
}
