import { api } from './client.ts'
import type { FieldInfo } from './types.ts'

let cached: Promise<FieldInfo[]> | undefined

/** The searchable fields, asked once per sign-in. */
export function fields (): Promise<FieldInfo[]> {
  cached ??= api<{ fields: FieldInfo[] }>('/v1/fields').then(r => r.fields, err => { cached = undefined; throw err })
  return cached
}

export function forgetFields (): void { cached = undefined }
