import t from 'tap'
import { createHash } from 'node:crypto'
import { zipPack } from '../../../src/export/evidence-pack.ts'
import { unzip } from './read-files.ts'

async function read (stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const c of stream) parts.push(c as Buffer)
  return Buffer.concat(parts)
}
const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex')

t.test('files are produced in turn, hashed, and listed in the manifest', async t => {
  const order: string[] = []
  async function * big (): AsyncGenerator<string> {
    order.push('big')
    for (let i = 0; i < 1000; i++) yield `line ${i} Ελένη\n`
  }
  const zip = zipPack([
    { path: 'a.json', chunks: () => { order.push('a'); return ['{"a":1}\n'] } },
    { path: 'dir/big.ndjson', chunks: big }
  ], files => ({ files, seen: [...order] }), new Date('2026-11-26T15:00:00Z'))
  const files = await unzip(await read(zip))
  t.same([...files.keys()], ['a.json', 'dir/big.ndjson', 'manifest.json'])
  const manifest = JSON.parse((files.get('manifest.json') as Buffer).toString())
  t.same(manifest.seen, ['a', 'big'], 'the manifest is made after every file')
  t.same(manifest.files, [...files.entries()].filter(([p]) => p !== 'manifest.json').map(([path, b]) => ({ path, sha256: sha(b), bytes: b.length })))
  t.equal((files.get('dir/big.ndjson') as Buffer).toString().split('\n').length, 1001)
})

t.test('a failing file fails the archive', async t => {
  async function * broken (): AsyncGenerator<string> { yield 'x'; throw new Error('store went away') }
  const zip = zipPack([{ path: 'x', chunks: broken }], files => files, new Date())
  await t.rejects(read(zip), /store went away/)
})
