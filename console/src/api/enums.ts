/**
 * The closed value sets of the event model, as the API accepts them in filters. Copies of src/events (whose
 * schema module would bring its validator into the bundle); test/unit/console/enums.test.ts keeps them equal.
 */
export const CATEGORIES = ['authentication', 'profile', 'money', 'gaming', 'support', 'ui', 'custom'] as const
export const OUTCOMES = ['success', 'failure', 'unknown'] as const
export const LEVELS = ['low', 'medium', 'high', 'critical'] as const
export const DEVICE_TYPES = ['desktop', 'mobile', 'tablet', 'smarttv', 'console', 'wearable', 'embedded', 'bot', 'unknown'] as const
