import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { NODE_OPTIONS } from '../../../scripts/bench/service-processes.ts'

// The API and the worker get the same Node options wherever they are started: the production deployment, the
// npm start scripts, the development script and the benchmarks that measure them (docs/operations.md, Memory).

const ROOT = join(import.meta.dirname, '..', '..', '..')
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8')

/** The options before the entry point of a `node … <entry>` command line, without the TypeScript loader. */
function optionsOf (line: string, entry: RegExp): string[] {
  const words = line.split(/[\s",[\]]+/).filter(w => w !== '')
  const at = words.findIndex(w => entry.test(w))
  if (at < 0) return ['(no such command)']
  const node = words.lastIndexOf('node', at)
  const options = words.slice(node + 1, at)
  const loader = options.indexOf('--import')
  if (loader >= 0 && options[loader + 1] === 'tsx') options.splice(loader, 2)
  return options
}

const compose = read('docker-compose.yml')
const service = (name: string): string => compose.slice(compose.indexOf(`\n  ${name}:\n`), compose.indexOf('\n\n', compose.indexOf(`\n  ${name}:\n`)))
const commandOf = (name: string): string => /^\s*command: (.*)$/m.exec(service(name))?.[1] ?? ''
const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts
const dev = read('scripts/dev.sh').split('\n')

for (const [role, entry, npm] of [['api', 'server', 'start:api'], ['worker', 'worker', 'start:worker']] as const) {
  t.test(`the ${role}'s Node options`, async t => {
    const expected = [...NODE_OPTIONS[role]]
    t.same(optionsOf(commandOf(role), new RegExp(`^dist/${entry}\\.js$`)), expected, 'docker-compose.yml')
    t.same(optionsOf(scripts[npm] ?? '', new RegExp(`^src/${entry}\\.ts$`)), expected, `package.json ${npm}`)
    t.same(optionsOf(dev.find(l => l.includes(`src/${entry}.ts`)) ?? '', new RegExp(`^src/${entry}\\.ts$`)), expected, 'scripts/dev.sh')
  })
}

t.test('the image starts the API as docker-compose.yml does', async t => {
  t.same(optionsOf(/^CMD (.*)$/m.exec(read('Dockerfile'))?.[1] ?? '', /^dist\/server\.js$/), [...NODE_OPTIONS.api])
})
