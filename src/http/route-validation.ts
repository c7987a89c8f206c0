import type { FastifySchemaCompiler } from 'fastify'
import type { TSchema } from '@sinclair/typebox'
import { compileChecker } from '../validation/checker.ts'
import { ValidationError } from '../errors.ts'

/**
 * Route options for a body its service checks itself, so that schema problems come back in the same answer as
 * those only the service can see (filters, KQL, columns, repeated ids, URL rules). The body's schema still
 * documents the route; the path parameters, query string and headers are checked here with the same checker,
 * each problem under its part (`/params/id`), as a 400 in the project's error format.
 */
export const bodyCheckedByService: { validatorCompiler: FastifySchemaCompiler<unknown> } = {
  validatorCompiler: ({ schema, httpPart }) => {
    if (httpPart === 'body') return () => true
    // Fastify hands each part's own schema here, as the route wrote it (TypeBox), headers included.
    const check = compileChecker(schema as TSchema)
    const part = `/${httpPart ?? 'request'}`
    return (data: unknown) => {
      const errors = check(data, 0)
      if (errors.length === 0) return { value: data }
      return { error: new ValidationError(errors.map(e => ({ ...e, path: e.path === '/' ? part : part + e.path })), 'the request is invalid') }
    }
  }
}
