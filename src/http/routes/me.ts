import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { SCOPES, seesMasked } from '../../auth/scopes.ts'
import { MASKED_FIELDS } from '../../events/personal-fields.ts'
import { EVENT_FIELDS } from '../../query/fields.ts'
import { authErrors } from '../schemas.ts'

const Me = Type.Object({
  keyId: Type.String({ description: 'Id of the API key (never the key itself)' }),
  tenant: Type.Union([Type.String(), Type.Null()], { description: 'The tenant the key is bound to; null for platform keys' }),
  scopes: Type.Array(Type.Union(SCOPES.map(s => Type.Literal(s)))),
  masked: Type.Boolean({ description: 'Personal fields are masked for this key' }),
  person: Type.Optional(Type.Object({
    subject: Type.String({ description: 'The subject (sub) at the identity provider' }),
    name: Type.String({ description: 'Display name (name, preferred_username or email claim)' }),
    issuer: Type.String()
  }, { description: 'Signed in through single sign-on: the person (absent for API keys)' })),
  session: Type.Optional(Type.Object({
    csrfToken: Type.String({ description: 'Send it as X-CSRF-Token on every request other than GET' }),
    expiresAt: Type.String({ format: 'date-time', description: 'Absolute end of the session (it also ends when unused for the idle time)' })
  }))
})

const Field = Type.Object({
  name: Type.String(),
  type: Type.String({ description: 'keyword, text, ip, date, number, geo_point or flattened' }),
  masked: Type.Boolean({ description: 'Shown masked to this key; it cannot search, sort or group on it' }),
  multiFieldOf: Type.Optional(Type.String({ description: 'A multi-field: the value of this field, indexed another way (for search, not shown in events)' }))
})

/** What a client (the console) needs to know about its own key and the searchable fields. */
export const meRoutes: FastifyPluginAsyncTypebox = async app => {
  app.get('/v1/me', {
    config: { scope: 'read' },
    schema: { tags: ['keys'], summary: 'The caller (a key, or a person signed in through single sign-on): id, tenant, scopes, masking', response: { 200: Me, ...authErrors } }
  }, async request => {
    const p = request.principal
    if (p === undefined) throw new Error('/v1/me reached without a principal')
    const s = request.personSession
    return {
      keyId: p.keyId, tenant: p.tenant, scopes: p.scopes, masked: seesMasked(p.scopes),
      ...(p.person === undefined ? {} : { person: p.person }),
      ...(s === undefined ? {} : { session: { csrfToken: s.csrf, expiresAt: new Date(s.expiresAt).toISOString() } })
    }
  })

  app.get('/v1/fields', {
    config: { scope: 'read' },
    schema: { tags: ['search'], summary: 'The fields KQL, sorts and groupings may name, with their types', response: { 200: Type.Object({ fields: Type.Array(Field) }), ...authErrors } }
  }, async request => {
    const masked = seesMasked(request.principal?.scopes ?? [])
    const fields = [...EVENT_FIELDS.values()]
      .filter(f => f.type !== 'flattened')
      .map(f => ({ name: f.name, type: f.type, masked: masked && [...MASKED_FIELDS].some(m => f.name === m || f.name.startsWith(`${m}.`)), ...(f.multiFieldOf === undefined ? {} : { multiFieldOf: f.multiFieldOf }) }))
      .sort((a, b) => a.name.localeCompare(b.name))
    return { fields }
  })
}
