import { Type } from '@sinclair/typebox'

export const FieldErrorSchema = Type.Object({
  index: Type.Integer({ description: 'Position of the event in the batch (0 for a single event).' }),
  path: Type.String({ description: 'JSON pointer to the field, such as /source/ip.' }),
  message: Type.String(),
  position: Type.Optional(Type.Integer({ description: 'Character offset (0-based) in the query string' }))
})

export const ErrorResponse = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  message: Type.String(),
  errors: Type.Optional(Type.Array(FieldErrorSchema))
}, { $id: 'ErrorResponse' })

/** The error answers every authenticated route can give. */
export const authErrors = {
  401: Type.Ref(ErrorResponse, { description: 'No or unknown API key' }),
  403: Type.Ref(ErrorResponse, { description: 'The key lacks the scope' })
}
