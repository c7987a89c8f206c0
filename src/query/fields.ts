import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export type FieldType = 'keyword' | 'text' | 'ip' | 'date' | 'number' | 'geo_point' | 'flattened'

/** A field a client may name in a query, a sort, a projection or a grouping. */
export interface FieldInfo {
  name: string
  type: FieldType
  /** Leading wildcards scan every term of a field: allowed only on short, low-cardinality keyword fields. */
  leadingWildcard: boolean
  /** Whole-number fields: the values the field can hold (Elasticsearch refuses a range bound outside them). */
  bounds?: readonly [number, number]
  /** One key of a flattened object (`audit.details.<key>`): Elasticsearch takes no wildcard there, only a prefix. */
  flattenedKey?: boolean
  /** A multi-field: `user.name.text` indexes the value of `user.name` otherwise; stored events do not hold it. */
  multiFieldOf?: string
}

// Keyword fields with few distinct, short values, where `*suffix` patterns stay cheap.
const SMALL_KEYWORDS = new Set([
  'event.action', 'event.outcome', 'event.kind', 'audit.category', 'audit.retention', 'audit.actor.type',
  'audit.importance.level', 'audit.importance.rule', 'audit.device.type', 'audit.ip_scope', 'audit.money.currency',
  'audit.money.direction', 'audit.tenant', 'audit.change.field', 'audit.game.provider', 'audit.tags',
  'source.geo.country_iso_code', 'source.geo.country_name', 'source.geo.region_iso_code', 'source.geo.city_name',
  'source.geo.timezone', 'user_agent.name', 'user_agent.version', 'user_agent.os.name', 'user_agent.os.version', 'user_agent.device.name'
])

const NUMERIC = new Set(['long', 'integer', 'short', 'byte', 'double', 'float', 'half_float', 'scaled_float'])
// Longs beyond 2^53 cannot be written exactly in JSON numbers: the bound is what a query can say exactly.
const WHOLE: Record<string, readonly [number, number]> = {
  byte: [-128, 127], short: [-32_768, 32_767], integer: [-2_147_483_648, 2_147_483_647], long: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]
}

interface MappingNode { type?: string, properties?: Record<string, MappingNode>, fields?: Record<string, MappingNode> }

function typeOf (mappingType: string): FieldType | undefined {
  if (mappingType === 'keyword' || mappingType === 'text' || mappingType === 'ip' || mappingType === 'date' ||
      mappingType === 'geo_point' || mappingType === 'flattened') return mappingType
  return NUMERIC.has(mappingType) ? 'number' : undefined
}

/** Every leaf of the events mapping, with its multi-fields: the mapping is the allowlist. */
export function fieldsOfMapping (mapping: MappingNode): Map<string, FieldInfo> {
  const out = new Map<string, FieldInfo>()
  const add = (name: string, node: MappingNode, multiFieldOf?: string): void => {
    const type = node.type === undefined ? undefined : typeOf(node.type)
    const bounds = node.type === undefined ? undefined : WHOLE[node.type]
    if (type !== undefined) out.set(name, { name, type, leadingWildcard: type === 'keyword' && SMALL_KEYWORDS.has(name), ...(bounds === undefined ? {} : { bounds }), ...(multiFieldOf === undefined ? {} : { multiFieldOf }) })
    for (const [sub, child] of Object.entries(node.fields ?? {})) add(`${name}.${sub}`, child, name)
    for (const [key, child] of Object.entries(node.properties ?? {})) add(name === '' ? key : `${name}.${key}`, child)
  }
  add('', mapping)
  return out
}

const MAPPING = JSON.parse(readFileSync(fileURLToPath(new URL('../../mappings/events-mappings.json', import.meta.url)), 'utf8')) as MappingNode

/** The searchable fields of stored events. */
export const EVENT_FIELDS: ReadonlyMap<string, FieldInfo> = fieldsOfMapping(MAPPING)

const DETAIL_KEY = /^audit\.details\.[a-z][a-z0-9_]{0,63}$/

/** Looks a field up; `audit.details.<key>` reaches one key of the flattened details. */
export function lookupField (name: string): FieldInfo | undefined {
  const known = EVENT_FIELDS.get(name)
  if (known !== undefined) return known
  if (DETAIL_KEY.test(name)) return { name, type: 'keyword', leadingWildcard: false, flattenedKey: true }
  return undefined
}

/** Fields free text searches, with the analysed text first. */
export const FREE_TEXT_FIELDS = ['message', 'event.reason'] as const
