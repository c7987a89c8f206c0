/**
 * Text appended as UTF-8 to one buffer per chunk. Building a page of rows as one string keeps every row
 * alive (a rope) across young-generation collections until the page is flushed, so they are promoted and the
 * old generation grows by megabytes per page; written into a buffer, each row's text dies at once.
 */
export class Utf8Sink {
  private buf: Buffer
  private length = 0

  constructor (private capacity = 256 * 1024) {
    this.buf = Buffer.allocUnsafe(capacity)
  }

  write (text: string): void {
    // At most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units).
    const room = text.length * 3
    if (this.length + room > this.buf.length) {
      this.capacity = Math.max(this.capacity * 2, this.length + room)
      const bigger = Buffer.allocUnsafe(this.capacity)
      this.buf.copy(bigger, 0, 0, this.length)
      this.buf = bigger
    }
    this.length += this.buf.write(text, this.length, 'utf8')
  }

  /** The bytes written since the last take; the sink starts a new buffer of the same capacity. */
  take (): Buffer {
    const out = this.buf.subarray(0, this.length)
    this.buf = Buffer.allocUnsafe(this.capacity)
    this.length = 0
    return out
  }
}
