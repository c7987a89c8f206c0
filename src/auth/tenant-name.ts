/** What a tenant's name may be: lower-case letters, digits, `_` and `-`, up to 40, starting with a letter or digit. */
export const TENANT_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/
