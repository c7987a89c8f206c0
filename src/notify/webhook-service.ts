import { randomUUID } from 'node:crypto'
import type { Principal } from '../auth/api-keys.ts'
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts'
import { compileChecker } from '../validation/checker.ts'
import { StaleVersion, type Versioned, type VersionedDocs } from '../store/system/versioned-docs.ts'
import type { DeliveriesStore } from '../store/system/deliveries-store.ts'
import type { StoredSecrets } from '../store/system/stored-secrets.ts'
import { newSecret } from './signature.ts'
import { webhookUrlProblem } from './webhook-url.ts'
import type { ReceiverRules } from '../validation/receiver-address.ts'
import { WebhookInput, webhookRecord, type Delivery, type StoredWebhook, type Webhook } from './webhook-schema.ts'

const checkShape = compileChecker(WebhookInput)

/** The webhook as the API shows it: never its secret. */
export function shownWebhook (w: Versioned<StoredWebhook>): Webhook {
  const { secret: _secret, ...shown } = w
  return shown
}

/** Webhooks per tenant, managed by its admins; the signing secret is shown once, at creation. */
export class WebhookService {
  constructor (
    private readonly store: VersionedDocs<StoredWebhook>,
    private readonly deliveryLog: DeliveriesStore<Delivery>,
    private readonly secrets: StoredSecrets,
    private readonly options: { receivers: ReceiverRules },
    private readonly clock: { now: () => number } = Date
  ) {}

  async create (input: unknown, who: Principal): Promise<Webhook & { secret: string }> {
    const valid = this.validate(input)
    const now = new Date(this.clock.now()).toISOString()
    const id = randomUUID()
    const secret = newSecret()
    const w = await this.store.create(id, { ...valid, secret: this.secrets.seal(secret, webhookRecord(id)), tenant: who.tenant, created_by: who.keyId, created_at: now, updated_at: now })
    return { ...shownWebhook(w), secret }
  }

  async list (who: Principal): Promise<Webhook[]> {
    return (await this.store.list(who.tenant, 'name')).map(shownWebhook)
  }

  async get (id: string, who: Principal): Promise<Webhook> {
    return shownWebhook(await this.owned(id, who))
  }

  async update (id: string, input: unknown, version: string, who: Principal): Promise<Webhook> {
    const current = await this.owned(id, who)
    const valid = this.validate(input)
    const doc: StoredWebhook = { ...valid, secret: current.secret, tenant: current.tenant, created_by: current.created_by, created_at: current.created_at, updated_at: new Date(this.clock.now()).toISOString() }
    try {
      return shownWebhook(await this.store.replace(id, doc, version))
    } catch (err) {
      if (err instanceof StaleVersion) throw new ConflictError(`the webhook ${err.message}; read it again (current version ${current.version}) and reapply your change`)
      throw err
    }
  }

  async delete (id: string, version: string | undefined, who: Principal): Promise<void> {
    await this.owned(id, who)
    try {
      await this.store.delete(id, version)
    } catch (err) {
      if (err instanceof StaleVersion) throw new ConflictError(`the webhook ${err.message}`)
      throw err
    }
  }

  async deliveries (id: string, who: Principal, size: number, status?: string): Promise<Delivery[]> {
    await this.owned(id, who)
    return await this.deliveryLog.list(who.tenant, id, size, status)
  }

  private async owned (id: string, who: Principal): Promise<Versioned<StoredWebhook>> {
    const w = await this.store.get(id)
    if (w === undefined || w.tenant !== who.tenant) throw new NotFoundError(`no webhook ${id}`)
    return w
  }

  private validate (input: unknown): Required<WebhookInput> {
    const errors = checkShape(input, 0)
    const w = input as WebhookInput
    const problem = errors.length > 0 ? undefined : webhookUrlProblem(w.url, this.options.receivers)
    if (problem !== undefined) errors.push({ index: 0, path: '/url', message: problem })
    if (errors.length > 0) throw new ValidationError(errors, 'the webhook is invalid')
    return { name: w.name, url: w.url, enabled: w.enabled ?? true, minSeverity: w.minSeverity ?? 'low' }
  }
}
