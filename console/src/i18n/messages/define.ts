/** A feature's strings in English and French; the French must hold exactly the English keys. */
export function defineMessages<K extends string> (en: Record<K, string>, fr: Record<NoInfer<K>, string>): { en: Record<K, string>, fr: Record<K, string> } {
  return { en, fr }
}
