import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { IntegrityService } from '../../proofs/integrity-service.ts'
import { InclusionProof, PublicKey } from '../../integrity/schemas.ts'
import { VerifyOutcome, VerifySinceQuery } from '../../integrity/log-schemas.ts'
import { authErrors, ErrorResponse } from '../schemas.ts'
import { readScopeOf } from '../plugins/auth.ts'
import { integrityLogRoutes } from './integrity-log.ts'

export const integrityRoutes: FastifyPluginAsyncTypebox<{ integrity: IntegrityService }> = async (app, { integrity }) => {
  app.get('/v1/integrity/public-key', {
    config: { scope: 'read' },
    schema: {
      tags: ['integrity'],
      summary: 'The Ed25519 public key that verifies checkpoint signatures',
      response: { 200: PublicKey, ...authErrors }
    }
  }, async () => integrity.publicKey())

  app.get('/v1/integrity/verify', {
    config: { scope: 'admin' },
    schema: {
      tags: ['integrity'],
      summary: 'Recompute a tenant\'s log: every event against its leaf, the leaves against the signed root, the checkpoint against the file, and look for insertions',
      description: 'At most 1,000,000 leaves per call; verify longer logs in ranges (from, to). With `since` (the size of the last checkpoint you verified), ' +
        'incremental: that checkpoint still holds, the latest extends it (consistency proof) and only the events sealed after it are rehashed. A tenant-bound key verifies its own tenant only.',
      querystring: VerifySinceQuery,
      response: {
        200: VerifyOutcome,
        400: Type.Ref(ErrorResponse, { description: 'Invalid range, since not the size of a checkpoint, or no tenant given with a platform key' }),
        ...authErrors
      }
    }
  }, async request => {
    const { tenant, from, to, since } = request.query
    return await integrity.verify(tenant, { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }), ...(since === undefined ? {} : { since }) }, readScopeOf(request))
  })

  await app.register(integrityLogRoutes, { integrity })

  app.get('/v1/integrity/proof/:eventId', {
    config: { scope: 'read' },
    schema: {
      tags: ['integrity'],
      summary: 'RFC 6962 inclusion proof of an event in its tenant\'s log, against the latest signed checkpoint',
      description: 'Tenants may use the same event id: a platform key names the tenant when more than one holds it.',
      params: Type.Object({ eventId: Type.String({ minLength: 1, maxLength: 128 }) }),
      querystring: Type.Object({ tenant: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'The tenant whose log holds the event (a tenant-bound key may only name its own)' })) }),
      response: {
        200: InclusionProof,
        ...authErrors,
        404: Type.Ref(ErrorResponse, { description: 'Unknown event, not visible to this key, or not covered by a checkpoint yet' }),
        409: Type.Ref(ErrorResponse, { description: 'The stored log does not lead to the signed root (run a verification), or several tenants hold the id and none was named' })
      }
    }
  }, async request => await integrity.proofFor(request.params.eventId, readScopeOf(request), request.query.tenant))
}
