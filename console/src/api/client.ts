import { session } from '../auth/session.ts'

export interface FieldError { index: number, path: string, message: string, position?: number }

/** An answer of the API other than 2xx, with its message and field errors as the API gave them. */
export class ApiError extends Error {
  constructor (readonly status: number, message: string, readonly errors: FieldError[] = []) {
    super(message)
  }
}

type Listener = () => void
const unauthorised = new Set<Listener>()
/** Called when the API refuses the key (revoked, expired): the app returns to sign-in. */
export const onUnauthorised = (l: Listener): (() => void) => { unauthorised.add(l); return () => unauthorised.delete(l) }

export interface RequestOptions {
  method?: string
  body?: unknown
  /** Raw body (such as NDJSON) with its content type. */
  raw?: { body: string, type: string }
  headers?: Record<string, string>
  signal?: AbortSignal
  key?: string
}

export async function request (path: string, options: RequestOptions = {}): Promise<Response> {
  const key = options.key ?? session.key()
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers }
  if (key !== null) headers.authorization = `ApiKey ${key}`
  let body: string | undefined
  if (options.raw !== undefined) { body = options.raw.body; headers['content-type'] = options.raw.type } else if (options.body !== undefined) { body = JSON.stringify(options.body); headers['content-type'] = 'application/json' }
  const method = options.method ?? (body === undefined ? 'GET' : 'POST')
  // Without a key, the single sign-on session's cookie authenticates; changes also carry its CSRF token.
  const csrf = session.csrf()
  if (key === null && csrf !== null && method !== 'GET') headers['x-csrf-token'] = csrf
  const response = await fetch(path, { method, headers, body, signal: options.signal, credentials: key === null ? 'same-origin' : 'omit', cache: 'no-store' })
  if (response.ok) return response
  let message = `${response.status} ${response.statusText}`
  let errors: FieldError[] = []
  try {
    const payload = await response.json() as { message?: string, errors?: FieldError[] }
    message = payload.message ?? message
    errors = payload.errors ?? []
  } catch { /* not JSON: keep the status line */ }
  if (response.status === 401 && options.key === undefined) for (const l of unauthorised) l()
  throw new ApiError(response.status, message, errors)
}

/** A JSON call to the API. */
export async function api<T> (path: string, options: RequestOptions = {}): Promise<T> {
  const response = await request(path, options)
  return await response.json() as T
}

/** Saves a response body as a file, from memory (the key never appears in a URL). */
export async function download (response: Response, fallbackName: string): Promise<void> {
  const disposition = response.headers.get('content-disposition') ?? ''
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName
  const url = URL.createObjectURL(await response.blob())
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
