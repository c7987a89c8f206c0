/** Fields holding personal data: a masked reader sees them masked in events, groups and exports alike. */
export const MASKED_FIELDS = new Set(['user.email', 'user.name', 'source.ip', 'related.ip', 'audit.actor.name', 'audit.change.before', 'audit.change.after'])
