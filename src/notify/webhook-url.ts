import { isLinkLocalHost, isLoopbackHost } from '../validation/receiver-address.ts'

/**
 * Why a webhook URL is refused, or undefined: HTTPS, or HTTP to a loopback address only; no credentials in it.
 * Loopback receivers only where the operator allows them (`allowLoopback`: tests, a local relay): otherwise a
 * tenant's admin could have the worker post to services listening on its own host.
 */
export function webhookUrlProblem (text: string, allowLoopback: boolean): string | undefined {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return 'must be an absolute URL such as https://hooks.example.com/sillage'
  }
  if (url.username !== '' || url.password !== '') return 'must not hold credentials: the signature authenticates the requests'
  if (url.hash !== '') return 'must not have a fragment'
  if (isLinkLocalHost(url.hostname)) return 'must not be a link-local or instance metadata address (169.254.0.0/16, fe80::/10…)'
  if (isLoopbackHost(url.hostname) && !allowLoopback) return 'must not be a loopback address: loopback receivers are not allowed on this service (SILLAGE_WEBHOOKS_ALLOW_LOOPBACK)'
  if (url.protocol === 'https:') return undefined
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined
  if (url.protocol === 'http:') return 'must use https (plain http is accepted only for a loopback address such as 127.0.0.1)'
  return 'must use https'
}
