import { isLoopbackHost, refusedHost, type ReceiverRules } from '../validation/receiver-address.ts'

/**
 * Why a webhook URL is refused, or undefined: HTTPS, or HTTP to a loopback address only; no credentials in it.
 * Loopback and private network receivers only where the operator allows them (`rules`): otherwise a tenant's
 * admin could have the worker post to services listening on its own host or network.
 */
export function webhookUrlProblem (text: string, rules: ReceiverRules): string | undefined {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return 'must be an absolute URL such as https://hooks.example.com/sillage'
  }
  if (url.username !== '' || url.password !== '') return 'must not hold credentials: the signature authenticates the requests'
  if (url.hash !== '') return 'must not have a fragment'
  const refused = refusedHost(url.hostname, rules)
  if (refused === 'link-local') return 'must not be a link-local or instance metadata address (169.254.0.0/16, fe80::/10…)'
  if (refused === 'loopback') return 'must not be a loopback address: loopback receivers are not allowed on this service (SILLAGE_WEBHOOKS_ALLOW_LOOPBACK)'
  if (refused === 'private') return 'must not be a private network address: private receivers are not allowed on this service (SILLAGE_RECEIVERS_ALLOW_PRIVATE)'
  if (url.protocol === 'https:') return undefined
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined
  if (url.protocol === 'http:') return 'must use https (plain http is accepted only for a loopback address such as 127.0.0.1)'
  return 'must use https'
}
