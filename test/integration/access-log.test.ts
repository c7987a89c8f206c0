import { t } from '../helpers/file-test.ts'
import { loadConfig } from '../../src/config/config.ts'
import { createEs, type Es } from '../../src/store/elasticsearch.ts'
import { AccessLog, accessIndex, type AccessRecord } from '../../src/store/system/access-log.ts'
import { cleanup, testEnv } from '../helpers/stack.ts'

const config = loadConfig(testEnv())
const es = createEs(config.elasticsearchUrl)
const index = accessIndex(config.indexPrefix)
t.teardown(async () => {
  await cleanup(es, config)
  await es.close()
})

const record = (i: number): AccessRecord => ({ '@timestamp': new Date().toISOString(), key_id: 'k-1', tenant: 'brand-a', method: 'GET', route: '/v1/events', url: `/v1/events?page=${i}`, status: 200, took_ms: 1 })

t.test('a bulk sent again after an answer that was lost does not record a read twice', async t => {
  // The first bulk reaches Elasticsearch and is written, but its answer is lost (a timeout, a node gone): the
  // access log keeps the batch for the next flush, which sends it again.
  let lose = true
  const flaky = new Proxy(es, {
    get (target, name, receiver) {
      if (name !== 'bulk') return Reflect.get(target, name, receiver)
      return async (...args: Parameters<Es['bulk']>) => {
        const r = await target.bulk(...args)
        if (lose) { lose = false; throw new Error('the answer was lost') }
        return r
      }
    }
  }) as Es
  const errors: Error[] = []
  const log = new AccessLog(flaky, config.indexPrefix, err => errors.push(err))
  await log.install(0)
  for (let i = 0; i < 5; i++) log.record(record(i))
  await log.flush()
  t.match(errors, [{ message: 'the answer was lost' }], 'the failed flush is reported')
  await log.flush()
  t.equal(errors.length, 1, 'records an earlier attempt wrote are not reported as refused')
  await es.indices.refresh({ index })
  t.equal((await es.count({ index })).count, 5, 'each read recorded once')
  t.same((await log.search({ tenant: 'brand-a', size: 10 })).entries.map(r => r.url).sort(), [0, 1, 2, 3, 4].map(i => `/v1/events?page=${i}`))
})
