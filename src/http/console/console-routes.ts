import { existsSync } from 'node:fs'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { encoded, loadConsoleFiles, type ConsoleFile } from './console-files.ts'

/**
 * The console talks to this origin only and runs no inline code: anything injected into a page can neither
 * execute nor send data elsewhere.
 */
export const CONSOLE_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:", "font-src 'self'",
  "connect-src 'self'", "manifest-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"
].join('; ')

const SECURITY_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin'
}

function send (request: FastifyRequest, reply: FastifyReply, file: ConsoleFile): FastifyReply {
  const accepts = String(request.headers['accept-encoding'] ?? '')
  const encoding = /\bbr\b/.test(accepts) ? 'br' : /\bgzip\b/.test(accepts) ? 'gzip' : undefined
  const compressed = encoding === undefined ? undefined : encoded(file, encoding)
  reply.headers(SECURITY_HEADERS)
    .header('content-type', file.type)
    .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    .header('vary', 'accept-encoding')
  if (compressed === undefined) return reply.send(file.body)
  return reply.header('content-encoding', encoding).send(compressed)
}

/**
 * Serves the built console at /console/ (files from memory, each compressed once, when first asked for); any
 * other path below it is a view of the single-page app and gets index.html. Without a build, /console/ says how
 * to make one.
 */
export function installConsole (app: FastifyInstance, dir: string): void {
  const files = existsSync(dir) ? loadConsoleFiles(dir) : new Map<string, ConsoleFile>()
  const index = files.get('index.html')
  const opts = { config: { public: true }, schema: { hide: true } }
  app.get('/', opts, async (_request, reply) => await reply.redirect('/console/'))
  app.get('/console', opts, async (_request, reply) => await reply.redirect('/console/'))
  app.get('/console/*', opts, async (request, reply) => {
    if (index === undefined) {
      return await reply.code(503).send({ statusCode: 503, error: 'Service Unavailable', message: `the console is not built (no ${dir}/index.html); run "npm run console:build"` })
    }
    const path = (request.params as { '*': string })['*']
    const file = files.get(path)
    if (file !== undefined) return send(request, reply, file)
    // A missing asset is a 404; anything else is a view of the app.
    if (path.startsWith('assets/') || /\.[a-z0-9]+$/i.test(path)) return await reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no console file ${path}` })
    return send(request, reply, index)
  })
}
