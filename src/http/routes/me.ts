import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { SCOPES, seesMasked } from '../../auth/scopes.ts'
import { MASKED_FIELDS } from '../../auth/masking.ts'
import { EVENT_FIELDS } from '../../query/fields.ts'
import { authErrors } from '../schemas.ts'

const Me = Type.Object({
  keyId: Type.String({ description: 'Id of the API key (never the key itself)' }),
  tenant: Type.Union([Type.String(), Type.Null()], { description: 'The tenant the key is bound to; null for platform keys' }),
  scopes: Type.Array(Type.Union(SCOPES.map(s => Type.Literal(s)))),
  masked: Type.Boolean({ description: 'Personal fields are masked for this key' })
})

const Field = Type.Object({
  name: Type.String(),
  type: Type.String({ description: 'keyword, text, ip, date, number, geo_point or flattened' }),
  masked: Type.Boolean({ description: 'Shown masked to this key; it cannot search, sort or group on it' })
})

/** What a client (the console) needs to know about its own key and the searchable fields. */
export const meRoutes: FastifyPluginAsyncTypebox = async app => {
  app.get('/v1/me', {
    config: { scope: 'read' },
    schema: { tags: ['keys'], summary: 'The calling key: its id, tenant, scopes and masking', response: { 200: Me, ...authErrors } }
  }, async request => {
    const p = request.principal
    if (p === undefined) throw new Error('/v1/me reached without a principal')
    return { keyId: p.keyId, tenant: p.tenant, scopes: p.scopes, masked: seesMasked(p.scopes) }
  })

  app.get('/v1/fields', {
    config: { scope: 'read' },
    schema: { tags: ['search'], summary: 'The fields KQL, sorts and groupings may name, with their types', response: { 200: Type.Object({ fields: Type.Array(Field) }), ...authErrors } }
  }, async request => {
    const masked = seesMasked(request.principal?.scopes ?? [])
    const fields = [...EVENT_FIELDS.values()]
      .filter(f => f.type !== 'flattened')
      .map(f => ({ name: f.name, type: f.type, masked: masked && [...MASKED_FIELDS].some(m => f.name === m || f.name.startsWith(`${m}.`)) }))
      .sort((a, b) => a.name.localeCompare(b.name))
    return { fields }
  })
}
