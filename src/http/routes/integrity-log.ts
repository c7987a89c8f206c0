import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { IntegrityService } from '../../proofs/integrity-service.ts'
import { CheckpointList, CheckpointsQuery, ConsistencyProof, ConsistencyQuery, LatestCheckpoint, LatestQuery } from '../../integrity/log-schemas.ts'
import { authErrors, ErrorResponse } from '../schemas.ts'
import { readScopeOf } from '../plugins/auth.ts'

const tenantErrors = {
  400: Type.Ref(ErrorResponse, { description: 'Invalid parameters, or no tenant given with a platform key' }),
  ...authErrors
}
const conflict = (what: string): object => ({ 409: Type.Ref(ErrorResponse, { description: `${what} does not verify with a trusted key, or the stored log does not lead to it (run a verification)` }) })
const TEXT = 'text/plain; charset=utf-8'
/** A root commits to the clear events, so it would check guesses of masked values (IntegrityService). */
const FOR_CLEAR_READERS = 'Keys that read personal data masked are refused (403): a root commits to the clear events.'

/** Signed checkpoints as JSON and as C2SP signed notes, and consistency proofs between them. */
export const integrityLogRoutes: FastifyPluginAsyncTypebox<{ integrity: IntegrityService }> = async (app, { integrity }) => {
  app.get('/v1/integrity/checkpoints', {
    config: { scope: 'read' },
    schema: {
      tags: ['integrity'],
      summary: 'A tenant\'s signed checkpoints, newest first, a page at a time',
      description: 'Page on with `from` = the `next` of the previous page. Each checkpoint says whether its signatures verify with a key trusted here. ' + FOR_CLEAR_READERS,
      querystring: CheckpointsQuery,
      response: { 200: CheckpointList, ...tenantErrors }
    }
  }, async request => {
    const { tenant, from, limit } = request.query
    return await integrity.checkpoints(tenant, { ...(from === undefined ? {} : { from }), limit: limit ?? 100 }, readScopeOf(request))
  })

  app.get('/v1/integrity/checkpoint', {
    config: { scope: 'read' },
    schema: {
      tags: ['integrity'],
      summary: 'A tenant\'s latest signed checkpoint, as JSON or as a C2SP tlog-checkpoint signed note',
      description: 'With `format=note`, the checkpoint as a signed note (text/plain): origin, tree size and base64 root, a blank line, and `— <origin> <base64(key id || Ed25519 signature)>`, the form witnesses cosign. ' + FOR_CLEAR_READERS,
      querystring: LatestQuery,
      response: {
        200: {
          description: 'The latest checkpoint, with the public key that signed it',
          content: { 'application/json': { schema: LatestCheckpoint }, 'text/plain': { schema: Type.String({ description: 'format=note: the C2SP signed note' }) } }
        },
        ...tenantErrors,
        404: Type.Ref(ErrorResponse, { description: 'The tenant has no signed checkpoint yet' }),
        ...conflict('The latest checkpoint')
      }
    }
  }, async (request, reply) => {
    const { tenant, format } = request.query
    if (format === 'note') return await reply.type(TEXT).send(await integrity.latestNote(tenant, readScopeOf(request)))
    return await reply.send(await integrity.latestCheckpoint(tenant, readScopeOf(request)))
  })

  app.get('/v1/integrity/consistency', {
    config: { scope: 'read' },
    schema: {
      tags: ['integrity'],
      summary: 'RFC 6962 consistency proof that a newer checkpoint extends an older one, with both signed checkpoints',
      description: 'Whoever holds the checkpoint of size `from` checks that the tree of size `to` (default: the latest checkpoint) extends it (RFC 9162 §2.1.4.2). ' +
        'With `format=witness`, the body of a C2SP tlog-witness add-checkpoint request to send to a witness.',
      querystring: ConsistencyQuery,
      response: {
        200: {
          description: 'The proof and both checkpoints',
          content: { 'application/json': { schema: ConsistencyProof }, 'text/plain': { schema: Type.String({ description: 'format=witness: `old <from>`, the proof hashes in base64 one per line, a blank line, the newer checkpoint as a signed note' }) } }
        },
        ...tenantErrors,
        404: Type.Ref(ErrorResponse, { description: 'No checkpoint of that size, or none at all yet' }),
        ...conflict('A checkpoint')
      }
    }
  }, async (request, reply) => {
    const { tenant, from, to, format } = request.query
    const sizes = { from, ...(to === undefined ? {} : { to }) }
    if (format === 'witness') return await reply.type(TEXT).send(await integrity.witnessRequest(tenant, sizes, readScopeOf(request)))
    return await reply.send(await integrity.consistency(tenant, sizes, readScopeOf(request)))
  })
}
