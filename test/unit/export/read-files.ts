import { fromBufferPromise } from 'yauzl'
import { PDFParse } from 'pdf-parse'

/** Every file of a zip archive, by path, read with a standard unzip library. */
export async function unzip (buf: Buffer): Promise<Map<string, Buffer>> {
  const zip = await fromBufferPromise(buf, { lazyEntries: true })
  const files = new Map<string, Buffer>()
  for await (const entry of zip.eachEntry()) {
    const parts: Buffer[] = []
    for await (const chunk of await zip.openReadStreamPromise(entry)) parts.push(chunk as Buffer)
    files.set(entry.fileName, Buffer.concat(parts))
  }
  return files
}

/** The text of a PDF as a PDF reader extracts it, and its page count. */
export async function pdfText (buf: Buffer): Promise<{ text: string, pages: number }> {
  const parser = new PDFParse({ data: new Uint8Array(buf) })
  try {
    const r = await parser.getText()
    return { text: r.text, pages: r.total }
  } finally {
    await parser.destroy()
  }
}
