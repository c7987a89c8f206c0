/** A query that cannot be parsed or compiled; `position` is the 0-based offset of the problem in the input. */
export class KqlError extends Error {
  constructor (message: string, readonly position: number) {
    super(message)
    this.name = 'KqlError'
  }
}

/** Quotes user text for an error message, cut short so one message stays readable. */
export function quote (text: string): string {
  return `"${text.length > 60 ? `${text.slice(0, 60)}…` : text}"`
}
