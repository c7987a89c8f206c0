import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { Principal } from '../../auth/api-keys.ts'
import type { AlertService } from '../../alerts/alert-service.ts'
import { Alert, AlertList, AlertQuery, StatusChangeRequest } from '../../alerts/alert-schema.ts'
import { authErrors, ErrorResponse } from '../schemas.ts'

const Id = Type.Object({ id: Type.String({ format: 'uuid' }) })
const err = (description: string) => Type.Ref(ErrorResponse, { description })
const who = (request: { principal?: Principal }): Principal => request.principal as Principal

export const alertRoutes: FastifyPluginAsyncTypebox<{ alerts: AlertService }> = async (app, { alerts }) => {
  app.get('/v1/alerts', {
    config: { scope: 'read' },
    schema: { tags: ['alerts'], summary: 'The tenant\'s alerts, newest first, by status, severity, rule, system source, group and time raised', querystring: AlertQuery, response: { 200: AlertList, 400: err('Invalid parameters'), ...authErrors } }
  }, async request => await alerts.list(request.query, who(request)))

  app.get('/v1/alerts/:id', {
    config: { scope: 'read' },
    schema: { tags: ['alerts'], summary: 'One alert with its figure, evidence event ids and status history', params: Id, response: { 200: Alert, ...authErrors, 404: err('No such alert in the caller\'s tenant') } }
  }, async request => await alerts.get(request.params.id, who(request)))

  app.post('/v1/alerts/:id/status', {
    config: { scope: 'read', audit: 'alert.status_changed' },
    schema: {
      tags: ['alerts'],
      summary: 'Acknowledge or close an alert, with a note: open → acknowledged → closed (or open → closed)',
      description: 'The change, its author and the note are kept in the alert\'s history and recorded in the access log (action `alert.status_changed`). Closing frees the alert\'s rule and group: the next finding raises a new alert once the rule\'s cool-down has passed.',
      params: Id,
      body: { ...StatusChangeRequest, examples: [{ status: 'acknowledged', note: 'Looking into it with the payments team' }] },
      response: { 200: Alert, 400: err('Invalid body'), ...authErrors, 404: err('No such alert in the caller\'s tenant'), 409: err('The change is not allowed from the alert\'s status (a closed alert stays closed)') }
    }
  }, async request => await alerts.changeStatus(request.params.id, request.body, who(request)))
}
