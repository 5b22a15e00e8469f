// An orchestrator and a worker in one script: the Listener hands out two render tasks, the
// Worker runs them and reports; both close and the script exits by itself.
import assert from 'node:assert/strict'
import { Listener, Worker, RxonAuthError } from 'rxon'

const TOKEN = 'demo-token'
const queue = [1, 2].map((n) => ({ job_id: `job-${n}`, task_id: `task-${n}`, type: 'render', params: { scene: `scene-${n}` } }))
const results = []

const listener = new Listener({
  async handler(action, payload, context) {
    if (context.token !== TOKEN) throw new RxonAuthError('unknown worker')
    if (action === 'poll') return queue.shift() // undefined: no task now
    if (action === 'result') results.push(payload)
    return undefined
  },
})
await listener.listen()

const worker = new Worker({ url: listener.url, workerId: 'renderer-1', token: TOKEN, skills: ['render'], pollTimeout: 1 })
worker.skill('render', async (task) => ({ frames: 24, scene: task.params.scene }))
const running = worker.run()

while (results.length < 2) await new Promise((resolve) => setTimeout(resolve, 20))
await worker.close()
await running
await listener.close()

assert.deepEqual(results.map((r) => r.data.scene).sort(), ['scene-1', 'scene-2'])
console.log('orchestrator example: 2 tasks rendered')
