import t from 'tap'
import fc from 'fast-check'
import { createHash } from 'node:crypto'
import { deflateRawSync } from 'node:zlib'
import { CursorCodec, openedBy, type CursorState } from '../../../src/search/cursor.ts'
import { MAX_CURSOR_CHARS } from '../../../src/query/search-request.ts'
import { SealedBox } from '../../../src/integrity/sealed-box.ts'

const codec = new CursorCodec(Buffer.alloc(32, 1))
const state: CursorState = {
  owner: { keyId: 'k-1', tenant: 'brand-a', masked: false },
  request: { sort: [{ field: 'user.email', order: 'asc' }], size: 5 },
  pit: 'pit-id',
  after: ['alice.smith@example.com', 42],
  total: 9
}

t.test('a cursor comes back as it was sealed', async t => {
  t.same(codec.decode(codec.encode(state)), state)
  t.not(codec.encode(state), codec.encode(state), 'a fresh nonce every time')
})

t.test('a cursor shows nothing of what it carries', async t => {
  const cursor = codec.encode(state)
  t.match(cursor, /^[A-Za-z0-9_-]+$/)
  const readable = Buffer.from(cursor, 'base64url').toString('latin1')
  for (const secret of ['alice', 'example.com', 'pit-id', 'brand-a', 'k-1', 'user.email', '"total"']) t.notOk(readable.includes(secret), secret)
})

t.test('a cursor over many partitions, of a long request, fits what the routes accept', async t => {
  // A point-in-time id over 60 partitions is 11,288 characters of base64 on Elasticsearch 9: per shard, the
  // index name, its random 22-character uuid, then the node and search context ids every shard shares.
  const uuid = (i: number): string => createHash('sha256').update(String(i)).digest('base64url').slice(0, 22)
  const shard = (i: number): Buffer => Buffer.concat([Buffer.from(`!sillage-events-financial-${2020 + Math.floor(i / 12)}.${String(i % 12 + 1).padStart(2, '0')}\x16${uuid(i)}\x00\x01\x16bFiKq3V_QSaq_XPvnQRgNw\x00\x01`), Buffer.from([0, 0, 0, 0, 0, 0, 0x14, i]), Buffer.from('\x164mkV7AP7QdOQiMjqx1UMcg\x00')])
  const pit = Buffer.concat(Array.from({ length: 60 }, (_, i) => shard(i))).toString('base64')
  const userId = Array.from({ length: 100 }, (_, i) => `user-${i}-${'x'.repeat(100)}`)
  const big: CursorState = { ...state, pit, request: { ...state.request, filters: { userId }, query: 'event.action:login and not event.outcome:success' } }
  const cursor = codec.encode(big)
  t.ok(cursor.length <= MAX_CURSOR_CHARS, `${cursor.length} characters`)
  t.same(codec.decode(cursor), big)
})

t.test('a cursor that inflates beyond any real state is refused', async t => {
  const bomb = deflateRawSync(Buffer.alloc(4 << 20, 0x20))
  const box = new SealedBox(Buffer.alloc(32, 1), 'sillage search cursor aes-256-gcm deflate v3')
  t.equal(codec.decode(box.seal(bomb).toString('base64url')), undefined)
})

t.test('changed, cut or foreign cursors are refused', async t => {
  const cursor = codec.encode(state)
  const raw = Buffer.from(cursor, 'base64url')
  for (let i = 0; i < raw.length; i += 7) {
    const tampered = Buffer.from(raw)
    tampered[i] = (tampered[i] as number) ^ 0x01
    t.equal(codec.decode(tampered.toString('base64url')), undefined, `byte ${i} changed`)
  }
  t.equal(codec.decode(cursor.slice(0, -1)), undefined, 'truncated')
  t.equal(codec.decode(cursor.slice(0, 30)), undefined, 'truncated to less than a nonce and a tag')
  t.equal(codec.decode(cursor + 'A'), undefined, 'lengthened')
  t.equal(new CursorCodec(Buffer.alloc(32, 2)).decode(cursor), undefined, 'sealed under another secret')
  t.equal(codec.decode(`${cursor}.`), undefined, 'not base64url')
  for (const junk of ['', 'garbage', 'forged.cursor', 'x.y', '%%%%', Buffer.from(JSON.stringify(state)).toString('base64url')]) t.equal(codec.decode(junk), undefined, junk)
})

t.test('a sealed value that is not a cursor state is refused', async t => {
  const sealed = (value: unknown): string => codec.encode(value as CursorState)
  t.equal(codec.decode(sealed({ ...state, owner: undefined })), undefined)
  t.equal(codec.decode(sealed({ ...state, owner: { keyId: 1, tenant: null, masked: false } })), undefined)
  t.equal(codec.decode(sealed([1, 2])), undefined)
  t.equal(codec.decode(sealed(null)), undefined)
})

t.test('decoding never throws, whatever it is given', async t => {
  fc.assert(fc.property(fc.string({ maxLength: 400 }), s => { codec.decode(s) }))
  fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), bytes => codec.decode(Buffer.from(bytes).toString('base64url')) === undefined))
  fc.assert(fc.property(fc.string(), fc.integer({ min: 0, max: 10_000 }), (key, total) => {
    const s: CursorState = { ...state, owner: { keyId: key, tenant: null, masked: true }, total }
    const back = codec.decode(codec.encode(s))
    return back !== undefined && back.owner.keyId === key && back.total === total
  }))
  t.pass()
})

t.test('a cursor belongs to the key, tenant and masking that opened it', async t => {
  t.ok(openedBy(state, { keyId: 'k-1', tenant: 'brand-a', masked: false }))
  t.notOk(openedBy(state, { keyId: 'k-2', tenant: 'brand-a', masked: false }))
  t.notOk(openedBy(state, { keyId: 'k-1', tenant: null, masked: false }))
  t.notOk(openedBy(state, { keyId: 'k-1', tenant: 'brand-a', masked: true }))
})
