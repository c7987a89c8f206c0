import { createLogger, loadConfigOrExit, onShutdown, openStore } from './compose/runtime.ts'
import { composeApi } from './compose/api.ts'

const config = loadConfigOrExit()
const log = createLogger(config, 'sillage-api')
const { es } = await openStore(config, log)
const api = await composeApi(config, es, log)
await api.app.listen({ port: config.port, host: config.host })

onShutdown(log, async () => {
  await api.close()
  await es.close()
})
