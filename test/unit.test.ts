import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import t from 'tap'

// The pure-logic tests (test/unit/<room>/*.test.ts) run in this one process: started one process each, they
// spent more CPU starting (the loader, tap, the modules) than testing. A failure names its file in `at:`.
const root = fileURLToPath(new URL('unit/', import.meta.url))
const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter(f => f.endsWith('.test.ts')).sort()

// The files are imported inside a subtest. Once a file has added a teardown, tap ends the whole run as soon as
// it is idle for a few timer turns; imported one after another at the top level, a file still loading on a busy
// machine was such a pause, and every file after it was left out without a word (a third of them in some runs).
// While this subtest runs tap is never idle, and each file's tests wait in the queue behind it.
t.test(`every unit file is loaded (${files.length})`, async t => {
  for (const file of files) await import(new URL(`unit/${file}`, import.meta.url).href)
  t.ok(files.length > 0, 'test/unit holds test files')
})
