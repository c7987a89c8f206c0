import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

// The pure-logic tests (test/unit/<room>/*.test.ts) run in this one process: started one process each, they
// spent more CPU starting (the loader, tap, the modules) than testing. A failure names its file in `at:`.
const root = fileURLToPath(new URL('unit/', import.meta.url))
const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter(f => f.endsWith('.test.ts')).sort()
for (const file of files) await import(new URL(`unit/${file}`, import.meta.url).href)
