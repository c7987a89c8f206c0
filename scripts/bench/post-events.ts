/** Posts ingest bodies to the API on a loopback port, four requests in flight; anything but 202 stops the benchmark. */
export async function postEvents (port: number, key: string, bodies: readonly object[]): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < bodies.length) {
      const res = await fetch(`http://127.0.0.1:${port}/v1/events`, { method: 'POST', body: JSON.stringify(bodies[next++]), headers: { 'content-type': 'application/json', authorization: `ApiKey ${key}` } })
      if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`)
      await res.arrayBuffer()
    }
  }))
}
