import { t } from '../helpers/file-test.ts'
import { createServer } from 'node:net'
import { createEs } from '../../src/store/elasticsearch.ts'
import { loadConfig } from '../../src/config/config.ts'
import { testEnv } from '../helpers/stack.ts'

const config = loadConfig(testEnv({}))

/** A port nothing listens on: bound, then released. */
async function deadPort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>(resolve => server.close(() => { resolve() }))
  return typeof address === 'object' && address !== null ? address.port : 0
}

t.test('with several nodes listed, requests go to a live one when another does not answer', async t => {
  const es = createEs(`http://127.0.0.1:${await deadPort()}, ${config.elasticsearchUrl}`)
  t.teardown(async () => { await es.close() })
  for (let i = 0; i < 4; i++) {
    const info = await es.info()
    t.match(info.version.number, /^\d+\./, `request ${i + 1} answered`)
  }
})

t.test('ELASTICSEARCH_URL takes a list and names the entry that is not a URL', async t => {
  t.equal(loadConfig(testEnv({ ELASTICSEARCH_URL: 'http://a:9200,http://b:9200' })).elasticsearchUrl, 'http://a:9200,http://b:9200')
  t.throws(() => loadConfig(testEnv({ ELASTICSEARCH_URL: 'http://a:9200,b:9200' })), /ELASTICSEARCH_URL.*not: "b:9200"/)
})
