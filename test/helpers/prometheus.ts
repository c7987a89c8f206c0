/** The value of one series in a Prometheus text exposition (labels given in the order they are printed); 0 when absent. */
export function seriesValue (text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',')
  const head = wanted === '' ? `${name} ` : `${name}{${wanted}} `
  const line = text.split('\n').find(l => l.startsWith(head))
  return line === undefined ? 0 : Number(line.slice(head.length))
}

export async function scrape (port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`)
  if (res.status !== 200) throw new Error(`metrics answered ${res.status}`)
  return await res.text()
}
