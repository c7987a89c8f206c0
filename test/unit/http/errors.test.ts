import t from 'tap'
import Fastify from 'fastify'
import { errors } from '@elastic/elasticsearch'
import { installErrorHandler } from '../../../src/http/plugins/errors.ts'

const JAVA = 'x_content_parse_exception\n\tCaused by:\n\t\tillegal_argument_exception: java.time.zone.ZoneRulesException: Unknown time-zone ID: europe/paris'

function engineError (statusCode: number): errors.ResponseError {
  return new errors.ResponseError({
    statusCode, headers: {}, warnings: null, meta: {} as never,
    body: { error: { type: 'x_content_parse_exception', reason: JAVA, root_cause: [{ type: 'x_content_parse_exception', reason: '[1:715] [bool] failed to parse field [filter]' }] }, status: statusCode }
  })
}

t.test('Elasticsearch errors reach the client without their text', async t => {
  const logged: unknown[] = []
  const app = Fastify({ logger: { level: 'warn', stream: { write: (line: string) => { logged.push(JSON.parse(line)) } } } })
  installErrorHandler(app)
  app.get('/refused', async () => { throw engineError(400) })
  app.get('/missing', async () => { throw engineError(404) })
  app.get('/busy', async () => { throw engineError(429) })
  app.get('/starting', async () => { throw engineError(503) })
  t.teardown(() => app.close())

  const refused = await app.inject('/refused')
  t.equal(refused.statusCode, 400)
  t.match(refused.json(), { statusCode: 400, error: 'Bad Request', message: /could not use a value of this request/ })
  for (const leak of ['java', 'exception', 'europe/paris', 'bool', 'filter']) t.notMatch(refused.body, leak, `no "${leak}" in the answer`)
  t.match(JSON.stringify(logged), 'ZoneRulesException', 'the engine text is in the log')

  const missing = await app.inject('/missing')
  t.equal(missing.statusCode, 500)
  t.notMatch(missing.body, 'exception')
  const busy = await app.inject('/busy')
  t.equal(busy.statusCode, 503)
  t.equal(busy.headers['retry-after'], '5')
  t.notMatch(busy.body, 'exception')
  const starting = await app.inject('/starting')
  t.equal(starting.statusCode, 503, 'a shard not started is worth a retry, not an internal error')
  t.equal(starting.headers['retry-after'], '5')
})
