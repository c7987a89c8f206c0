import t from 'tap'
import { ipScope, unmapIp } from '../../../src/enrich/ip-scope.ts'
import { GeoEnricher } from '../../../src/enrich/geo.ts'
import { DeviceEnricher } from '../../../src/enrich/device.ts'
import { Lru } from '../../../src/enrich/lru.ts'

t.test('ip scopes', async t => {
  const cases: Array<[string, string | undefined]> = [
    ['8.8.8.8', 'public'], ['10.0.0.1', 'private'], ['172.31.255.255', 'private'], ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'], ['100.64.0.1', 'private'], ['127.0.0.1', 'loopback'], ['::1', 'loopback'],
    ['fe80::1', 'private'], ['2001:db8::1', 'reserved'], ['192.0.2.1', 'reserved'], ['::ffff:10.0.0.1', 'private'],
    ['2a01:e0a::1', 'public'], ['not-an-ip', undefined], ['1.2.3', undefined]
  ]
  for (const [ip, scope] of cases) t.equal(ipScope(ip), scope, ip)
  t.equal(unmapIp('::FFFF:81.2.69.142'), '81.2.69.142')
})

t.test('geo: public addresses located, cache used', async t => {
  const geo = new GeoEnricher(10)
  const fr = geo.lookup('2a01:e0a:1::1')
  t.equal(fr?.geo?.country_iso_code, 'FR')
  t.equal(fr?.geo?.country_name, 'France')
  t.ok(fr?.geo?.location !== undefined)
  geo.lookup('2a01:e0a:1::1')
  t.same(geo.stats, { hits: 1, misses: 1, size: 1 })
  t.same(geo.lookup('192.168.0.1'), { scope: 'private' })
  t.equal(geo.lookup('garbage'), undefined)
})

t.test('device types', async t => {
  const d = new DeviceEnricher(10)
  t.match(d.parse('Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1'),
    { type: 'mobile', os: 'iOS', browser: 'Mobile Safari' })
  t.match(d.parse('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15'),
    { type: 'desktop', os: 'Mac OS', browser: 'Safari' })
  t.match(d.parse('Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0 Safari/537.36'), { type: 'tablet', os: 'Android' })
  t.match(d.parse('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'), { type: 'bot' })
  t.match(d.parse('something odd'), { type: 'unknown' })
})

t.test('lru evicts the least recently used', async t => {
  const lru = new Lru<number>(2)
  let computed = 0
  const f = (k: string) => { computed++; return k.length }
  lru.get('a', f); lru.get('bb', f); lru.get('a', f); lru.get('ccc', f)
  t.equal(lru.size, 2)
  lru.get('a', f)
  t.equal(computed, 3, 'a stayed cached')
  lru.get('bb', f)
  t.equal(computed, 4, 'bb was evicted')
  const none = new Lru<number>(0)
  none.get('x', f); none.get('x', f)
  t.equal(none.size, 0)
})
