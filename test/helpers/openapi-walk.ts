import { randomInt } from 'node:crypto'
import type { OpenAPIV3 } from 'openapi-types'

/** One documented operation, with what a test needs to call it. */
export interface Operation {
  method: string
  path: string
  scope: string
  /** Where its objects live: the path up to its first parameter (`/v1/saved-searches/{id}/run` → `/v1/saved-searches`). */
  collection: string
  pathParams: string[]
  query: OpenAPIV3.ParameterObject[]
  headers: string[]
  /** The first JSON example of its body, or of the body of the POST that creates its objects; undefined without a body. */
  body?: unknown
  /** The required properties of its JSON body, and all of them. */
  required: string[]
  properties: string[]
  ndjson: boolean
}

type Op = OpenAPIV3.OperationObject & { 'x-required-scope'?: string }

function exampleOf (op: Op | undefined): unknown {
  const media = (op?.requestBody as OpenAPIV3.RequestBodyObject | undefined)?.content['application/json']
  if (media === undefined) return undefined
  const first = Object.values(media.examples ?? {})[0] as OpenAPIV3.ExampleObject | undefined
  const schemaExamples = (media.schema as { examples?: unknown[] } | undefined)?.examples
  return structuredClone(first?.value ?? media.example ?? schemaExamples?.[0] ?? {})
}

const bodySchema = (op: Op): OpenAPIV3.SchemaObject | undefined =>
  (op.requestBody as OpenAPIV3.RequestBodyObject | undefined)?.content['application/json']?.schema as OpenAPIV3.SchemaObject | undefined

/** Every operation of the document, in its order. */
export function operations (doc: OpenAPIV3.Document): Operation[] {
  const out: Operation[] = []
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item as Record<string, Op>)) {
      const params = (op.parameters ?? []) as OpenAPIV3.ParameterObject[]
      const collection = path.split('/{')[0] as string
      const creator = (doc.paths[collection] as Record<string, Op> | undefined)?.post
      const hasBody = op.requestBody !== undefined
      const ndjson = (op.requestBody as OpenAPIV3.RequestBodyObject | undefined)?.content['application/x-ndjson'] !== undefined
      out.push({
        method: method.toUpperCase(), path, scope: op['x-required-scope'] ?? 'public', collection,
        pathParams: params.filter(p => p.in === 'path').map(p => p.name),
        query: params.filter(p => p.in === 'query'),
        headers: params.filter(p => p.in === 'header').map(p => p.name),
        ...(hasBody && !ndjson ? { body: exampleOf(op) ?? exampleOf(creator) ?? {} } : {}),
        required: bodySchema(op)?.required ?? [],
        properties: Object.keys(bodySchema(op)?.properties ?? {}),
        ndjson
      })
    }
  }
  return out
}

/** A made-up id of the same shape (length, digits, letters, case, separators), so it passes the same format checks. */
export function fakeOf (id: string): string {
  const pick = (set: string): string => set[randomInt(set.length)] as string
  return id.replace(/[0-9]/g, () => pick('0123456789')).replace(/[a-f]/g, () => pick('abcdef'))
    .replace(/[g-z]/g, () => pick('ghijklmnopqrstuvwxyz')).replace(/[A-Z]/g, () => pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ'))
}

/** The value with every property named in `values` replaced (kept as a list where the schema has a list). */
export function substitute (value: unknown, values: Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map(v => substitute(v, values))
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(Object.entries(value).map(([k, v]) => {
    const replacement = values[k]
    if (replacement === undefined) return [k, substitute(v, values)]
    return [k, Array.isArray(v) ? [replacement] : replacement]
  }))
}

/** Keys whose values change by themselves between two reads (timings, fresh cursors, job progress). */
const VOLATILE = new Set(['took_ms', 'cursor', 'last_used_at', 'state', 'progress', 'status', 'rows', 'bytes', 'sha256', 'completed_at', 'started_at', 'finished_at', 'sealed', 'checkpoint'])

/** The answer with volatile keys removed, and `fake` written back as `real` (an id echoed in a message). */
export function normalise (body: string, fake?: string, real?: string): unknown {
  const text = fake === undefined || real === undefined ? body : body.split(fake).join(real)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return text
  }
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip)
    if (typeof v !== 'object' || v === null) return v
    return Object.fromEntries(Object.entries(v).filter(([k]) => !VOLATILE.has(k)).map(([k, x]) => [k, strip(x)]))
  }
  return strip(parsed)
}
