import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { AccessLog } from '../../store/system/access-log.ts'
import { authErrors } from '../schemas.ts'
import { readScopeOf } from '../plugins/auth.ts'
import { dateMathProblem } from '../../query/date-math.ts'
import { ValidationError } from '../../errors.ts'
import { decodeSortCursor, encodeSortCursor } from '../../store/sort-cursor.ts'

const Entry = Type.Object({
  '@timestamp': Type.String(),
  id: Type.Optional(Type.String({ description: 'The record\'s id (absent on records of earlier versions)' })),
  key_id: Type.String({ description: 'Key id, or person:<issuer digest>:<subject> for a person signed in through single sign-on' }),
  person: Type.Optional(Type.String({ description: 'Display name of that person' })),
  tenant: Type.Union([Type.String(), Type.Null()], { description: 'The tenant of the key that made the request; null for a platform key' }),
  target_tenants: Type.Optional(Type.Array(Type.String(), { description: 'For a change a platform key made: the tenants whose objects it touched (keys, streams, dead letters). The record is in those tenants\' logs too.' })),
  action: Type.Optional(Type.String({ description: 'The change made, for routes that change something: alert.status_changed, watch_rule.created…' })),
  method: Type.String(),
  route: Type.String(),
  url: Type.String(),
  params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  request: Type.Optional(Type.String()),
  status: Type.Integer(),
  results: Type.Optional(Type.Integer()),
  took_ms: Type.Number()
})

export const accessLogRoutes: FastifyPluginAsyncTypebox<{ accessLog: AccessLog }> = async (app, { accessLog }) => {
  app.get('/v1/access-log', {
    config: { scope: 'admin' },
    schema: {
      tags: ['keys'],
      summary: 'Who read the audit trail and who changed what: every search, aggregation, export and saved-search run, and every change, newest first, a page at a time',
      description: 'A tenant administrator sees the records of its tenant\'s keys and the changes platform keys made to its tenant\'s objects (`target_tenants`).',
      querystring: Type.Object({
        from: Type.Optional(Type.String({ format: 'date-time' })),
        to: Type.Optional(Type.String({ format: 'date-time' })),
        key: Type.Optional(Type.String({ maxLength: 320, description: 'Only this key id (or person:… id)' })),
        changes: Type.Optional(Type.Boolean({ description: 'Only the records of changes (keys, rules, webhooks, streams, saved searches, replays, alert statuses…): those with an `action`' })),
        action: Type.Optional(Type.String({ pattern: '^[a-z_]{1,40}\\.[a-z_]{1,40}$', description: 'Only this action (`api_key.created`…; each operation\'s `x-audit-action` in this document)' })),
        size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
        cursor: Type.Optional(Type.String({ maxLength: 2000, description: 'The `next` of the previous page, with the same filters' }))
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({ entries: Type.Array(Entry), next: Type.Union([Type.String(), Type.Null()], { description: 'Hand back as `cursor` for the page after; null after the last page' }) }),
        ...authErrors
      }
    }
  }, async request => {
    const q = request.query
    // The format lets leap seconds and years before 1970 through; Elasticsearch would refuse them.
    const problems = (['from', 'to'] as const).flatMap(k => {
      const problem = q[k] === undefined ? undefined : dateMathProblem(q[k])
      return problem === undefined ? [] : [{ index: 0, path: `/querystring/${k}`, message: problem }]
    })
    if (problems.length > 0) throw new ValidationError(problems, 'the request is invalid')
    const page = await accessLog.search({
      tenant: readScopeOf(request).tenant, size: q.size ?? 100,
      ...(q.from === undefined ? {} : { from: q.from }), ...(q.to === undefined ? {} : { to: q.to }), ...(q.key === undefined ? {} : { keyId: q.key }),
      ...(q.changes === undefined ? {} : { changes: q.changes }), ...(q.action === undefined ? {} : { action: q.action }),
      ...(q.cursor === undefined ? {} : { after: decodeSortCursor(q.cursor, { min: 2, max: 2 }) })
    })
    return { entries: page.entries, next: page.next === undefined ? null : encodeSortCursor(page.next) }
  })
}
