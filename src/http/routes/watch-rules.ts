import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { Principal } from '../../auth/api-keys.ts'
import type { WatchRuleService } from '../../watch/rule-service.ts'
import { WatchRule, WatchRuleInput } from '../../watch/rule-schema.ts'
import { RuleRun } from '../../watch/run-schema.ts'
import { authErrors, ErrorResponse } from '../schemas.ts'
import { versionFromIfMatch } from './if-match.ts'
import { bodyCheckedByService } from '../route-validation.ts'

const Id = Type.Object({ id: Type.String({ format: 'uuid' }) })
const err = (description: string) => Type.Ref(ErrorResponse, { description })
const errors = { 400: err('The rule is invalid; each problem with its path'), ...authErrors, 404: err('No such rule in the caller\'s tenant') }
const who = (request: { principal?: Principal }): Principal => request.principal as Principal
const IfMatch = Type.Object({ 'if-match': Type.Optional(Type.String({ description: 'The version (ETag) read' })) })

const examples = [
  { name: 'More than 3 withdrawals in an hour', severity: 'high', interval: '1m', cooldown: '6h', condition: { kind: 'threshold', filters: { action: ['withdrawal'] }, window: '1h', groupBy: 'user.id', metric: 'count', bound: { op: 'gt', value: 3 } } },
  { name: 'Accounts on one device', condition: { kind: 'threshold', window: '24h', groupBy: 'audit.device.id', metric: 'users', bound: { op: 'gt', value: 5 } } },
  { name: 'Change then withdraw', severity: 'critical', condition: { kind: 'signal', signal: 'change-then-withdraw', params: { window: '24h' } } },
  { name: 'Sign-in from a new country', condition: { kind: 'new-value', field: 'source.geo.country_iso_code', days: 90, filters: { action: ['login'], outcome: ['success'] } } }
]

export const watchRuleRoutes: FastifyPluginAsyncTypebox<{ rules: WatchRuleService }> = async (app, { rules }) => {
  app.post('/v1/watch-rules', {
    // The service checks the body, so that schema, field, filter and KQL problems come back in one answer.
    config: { scope: 'admin', audit: 'watch_rule.created' }, ...bodyCheckedByService,
    schema: { tags: ['alerts'], summary: 'Create a watch rule (threshold on a search, fraud signal, or new value); it runs in the worker on its interval', body: { ...WatchRuleInput, examples }, response: { 201: WatchRule, ...errors } }
  }, async (request, reply) => {
    const r = await rules.create(request.body, who(request))
    return reply.code(201).header('etag', `"${r.version}"`).send(r)
  })

  app.get('/v1/watch-rules', {
    config: { scope: 'read' },
    schema: {
      tags: ['alerts'], summary: 'The tenant\'s watch rules, with the latest run of each',
      response: { 200: Type.Object({ rules: Type.Array(WatchRule), last_runs: Type.Record(Type.String(), RuleRun, { description: 'By rule id; a rule not run yet has none' }) }), ...authErrors }
    }
  }, async request => {
    const list = await rules.list(who(request))
    return { rules: list, last_runs: await rules.lastRuns(list, who(request)) }
  })

  app.get('/v1/watch-rules/:id', {
    config: { scope: 'read' },
    schema: { tags: ['alerts'], summary: 'One watch rule (its ETag is its version)', params: Id, response: { 200: WatchRule, ...errors } }
  }, async (request, reply) => {
    const r = await rules.read(request.params.id, who(request))
    return reply.header('etag', `"${r.version}"`).send(r)
  })

  app.put('/v1/watch-rules/:id', {
    // The service checks the body, so that schema, field, filter and KQL problems come back in one answer.
    config: { scope: 'admin', audit: 'watch_rule.updated' }, ...bodyCheckedByService,
    schema: {
      tags: ['alerts'], summary: 'Replace a watch rule; If-Match must carry the version read (409 if it changed since)',
      params: Id, headers: IfMatch, body: WatchRuleInput, response: { 200: WatchRule, ...errors, 409: err('The rule changed since that version') }
    }
  }, async (request, reply) => {
    const r = await rules.update(request.params.id, request.body, versionFromIfMatch(request.headers['if-match'], true) as string, who(request))
    return reply.header('etag', `"${r.version}"`).send(r)
  })

  app.delete('/v1/watch-rules/:id', {
    config: { scope: 'admin', audit: 'watch_rule.deleted' },
    schema: { tags: ['alerts'], summary: 'Delete a watch rule and its schedule (If-Match optional); its alerts stay', params: Id, headers: IfMatch, response: { 204: Type.Null(), ...errors, 409: err('The rule changed since that version') } }
  }, async (request, reply) => {
    await rules.delete(request.params.id, versionFromIfMatch(request.headers['if-match'], false), who(request))
    return reply.code(204).send(null)
  })

  app.get('/v1/watch-rules/:id/runs', {
    config: { scope: 'read' },
    schema: {
      tags: ['alerts'], summary: 'The rule\'s run log, newest first: every attempt with its status, duration, interval of events read and alerts raised',
      params: Id,
      querystring: Type.Object({
        size: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
        status: Type.Optional(Type.Union([Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('skipped')]))
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ runs: Type.Array(RuleRun) }), ...errors }
    }
  }, async request => ({ runs: await rules.runs(request.params.id, who(request), request.query.size ?? 50, request.query.status) }))

  app.post('/v1/watch-rules/:id/run', {
    config: { scope: 'admin', audit: 'watch_rule.run' },
    schema: { tags: ['alerts'], summary: 'Queue a run now, besides the schedule (it waits if a run of the rule is going)', params: Id, response: { 202: Type.Object({ jobId: Type.String() }), ...errors } }
  }, async (request, reply) => await reply.code(202).send(await rules.runNow(request.params.id, who(request))))
}
