// The same with `import`.
import assert from 'node:assert/strict'
import { decode, jsonDumps, RxonError } from 'rxon'

assert.equal(jsonDumps(decode('TaskPayload', { job_id: 'j1', task_id: 't1', type: 'echo' })), '{"job_id":"j1","task_id":"t1","type":"echo"}')
assert.throws(() => decode('TaskPayload', { job_id: 'j1' }), RxonError)
console.log('protocol example (import): ok')
