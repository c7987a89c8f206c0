import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, normalize, relative, sep } from 'node:path'
import t from 'tap'
import { ALLOWED, KNOWN_EXCEPTIONS, roomOf } from './rooms.ts'

const SRC = join(import.meta.dirname, '..', '..', '..', 'src')

function files (dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : []
  })
}

/** Room → rooms it imports (relative imports only; packages are not rooms). */
function graph (): Map<string, Map<string, string>> {
  const edges = new Map<string, Map<string, string>>()
  for (const file of files(SRC)) {
    const rel = relative(SRC, file).split(sep).join('/')
    const from = roomOf(rel)
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = relative(SRC, normalize(join(dirname(file), m[1] as string))).split(sep).join('/')
      if (target.startsWith('..')) continue
      const to = roomOf(target)
      if (to === from) continue
      const out = edges.get(from) ?? new Map<string, string>()
      if (!out.has(to)) out.set(to, rel)
      edges.set(from, out)
    }
  }
  return edges
}

t.test('each room imports only the rooms below it (or a recorded exception)', async t => {
  const problems: string[] = []
  for (const [from, targets] of graph()) {
    const allowed = ALLOWED[from]
    if (allowed === undefined) { problems.push(`room "${from}" has no import rule in test/unit/architecture/rooms.ts`); continue }
    for (const [to, example] of targets) {
      if (allowed.includes(to) || KNOWN_EXCEPTIONS.has(`${from}->${to}`)) continue
      problems.push(`${from} must not import ${to} (${example})`)
    }
  }
  t.same(problems, [])
})

t.test('recorded exceptions still exist (remove them once fixed)', async t => {
  const edges = graph()
  const stale = [...KNOWN_EXCEPTIONS].filter(e => { const [from, to] = e.split('->'); return edges.get(from as string)?.has(to as string) !== true })
  t.same(stale, [])
})

t.test('no cycle between rooms outside the recorded exceptions', async t => {
  const edges = graph()
  const cycles: string[] = []
  for (const [from, targets] of edges) {
    for (const to of targets.keys()) {
      if (KNOWN_EXCEPTIONS.has(`${from}->${to}`) || KNOWN_EXCEPTIONS.has(`${to}->${from}`)) continue
      // Depth-first search back to `from` through edges that are not recorded exceptions.
      const seen = new Set<string>()
      const stack = [to]
      while (stack.length > 0) {
        const room = stack.pop() as string
        if (room === from) { cycles.push(`${from} -> ${to} -> … -> ${from}`); break }
        if (seen.has(room)) continue
        seen.add(room)
        for (const next of edges.get(room)?.keys() ?? []) if (!KNOWN_EXCEPTIONS.has(`${room}->${next}`)) stack.push(next)
      }
    }
  }
  t.same(cycles, [])
})
