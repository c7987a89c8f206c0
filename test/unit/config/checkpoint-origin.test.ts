import t from 'tap'
import { loadConfig } from '../../../src/config/config.ts'

const KEYS = 'long-enough-key-123456:read'

t.test('the origin of checkpoint notes: a default per index prefix, or a name without spaces or "+"', async t => {
  t.equal(loadConfig({ SILLAGE_API_KEYS: KEYS }).checkpointOrigin, 'sillage/sillage')
  t.equal(loadConfig({ SILLAGE_API_KEYS: KEYS, SILLAGE_INDEX_PREFIX: 'prod' }).checkpointOrigin, 'sillage/prod')
  t.equal(loadConfig({ SILLAGE_API_KEYS: KEYS, SILLAGE_CHECKPOINT_ORIGIN: 'audit.example.com/sillage' }).checkpointOrigin, 'audit.example.com/sillage')
  for (const bad of ['two words', 'a+b', '{"json"']) {
    t.throws(() => loadConfig({ SILLAGE_API_KEYS: KEYS, SILLAGE_CHECKPOINT_ORIGIN: bad }), { message: /SILLAGE_CHECKPOINT_ORIGIN/ }, bad)
  }
})
