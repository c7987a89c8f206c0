import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, normalize, relative, sep } from 'node:path'
import t from 'tap'
import { STORE_PARTS, storePartOf } from './rooms.ts'

const STORE = join(import.meta.dirname, '..', '..', '..', 'src', 'store')

function files (dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : []
  })
}

t.test('each part of store/ imports only the parts below it', async t => {
  const problems: string[] = []
  for (const file of files(STORE)) {
    const rel = relative(STORE, file).split(sep).join('/')
    const from = storePartOf(rel)
    const allowed = STORE_PARTS[from]
    if (allowed === undefined) { problems.push(`store part "${from}" (${rel}) has no rule in test/unit/architecture/rooms.ts`); continue }
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = relative(STORE, normalize(join(dirname(file), m[1] as string))).split(sep).join('/')
      if (target.startsWith('..')) continue
      const to = storePartOf(target)
      if (to !== from && !allowed.includes(to)) problems.push(`store/${rel} must not import store/${target}`)
    }
  }
  t.same(problems, [])
})

t.test('the rule catches an import between the two upper parts', async t => {
  t.equal(storePartOf('system/dead-letters.ts'), 'system')
  t.notOk(STORE_PARTS.system?.includes(storePartOf('integrity/integrity-store.ts')))
  t.notOk(STORE_PARTS.events?.includes('system'))
})
