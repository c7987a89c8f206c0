import { createLogger, loadConfigOrExit, onShutdown, openStore } from './compose/runtime.ts'
import { composeIndexer } from './compose/indexer.ts'

const config = loadConfigOrExit()
const log = createLogger(config, 'sillage-worker')
const { es, caps } = await openStore(config, log)
const indexer = await composeIndexer(config, es, caps, log)

onShutdown(log, async () => {
  await indexer.close()
  await es.close()
})
