'use strict'
// How the binding lives in a Node process: collected without close(), loaded in worker_threads,
// two workers side by side.

const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const path = require('node:path')
const { test } = require('node:test')
const { Worker: Thread } = require('node:worker_threads')
const rxon = require('..')
const { until } = require('./helpers')

const PACKAGE = JSON.stringify(path.resolve(__dirname, '..'))

test('a worker garbage-collected without close() shuts down, and the script exits', () => {
  const script = `
    const rxon = require(${PACKAGE})
    const records = []
    rxon.setLogger((record) => records.push(record.message), { level: 'info' })
    ;(async () => {
      let worker = new rxon.Worker({ workerId: 'w1', skills: ['echo'], transport: new rxon.MockTransport('w1') })
      await worker.start()
      worker = null
      for (let i = 0; i < 50 && !records.some((m) => m.includes('dropped while running')); i++) {
        global.gc()
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      console.log(records.find((m) => m.includes('dropped while running')) || 'still running')
    })()`
  const run = spawnSync(process.execPath, ['--expose-gc', '-e', script], { timeout: 20000, encoding: 'utf8' })
  assert.equal(run.signal, null, 'the script did not exit by itself')
  assert.equal(run.status, 0, run.stderr)
  assert.match(run.stdout, /worker dropped while running: shutting it down/)
})

test('the module loads and serves in worker_threads, beside the main thread', async () => {
  const source = `
    const { parentPort } = require('node:worker_threads')
    const rxon = require(${PACKAGE})
    ;(async () => {
      const listener = await new rxon.Listener({ handler: (action, payload) => (action === 'poll' ? { job_id: 'j', task_id: payload, type: 'echo' } : undefined) }).listen()
      const transport = rxon.createTransport(listener.url, 'thread-w', 't')
      const task = await transport.pollTask(5)
      await transport.close()
      await listener.close(1)
      parentPort.postMessage({ dumped: rxon.jsonDumps({ b: 1, a: [1.0] }), task: task.task_id })
    })().catch((error) => parentPort.postMessage({ error: String(error && error.stack) }))`
  const run = () =>
    new Promise((resolve, reject) => {
      const thread = new Thread(source, { eval: true })
      thread.once('message', resolve)
      thread.once('error', reject)
    })
  // Two threads at once, and the main thread working meanwhile.
  const [one, two] = await Promise.all([run(), run()])
  assert.deepEqual(one, { dumped: '{"a":[1],"b":1}', task: 'thread-w' })
  assert.deepEqual(two, one)
  assert.equal(rxon.jsonDumps({ z: 1, y: 2 }), '{"y":2,"z":1}')
})

test('two workers in one process each run their own tasks', async (t) => {
  const mocks = [new rxon.MockTransport('w1'), new rxon.MockTransport('w2')]
  const workers = mocks.map((transport, i) => new rxon.Worker({ workerId: `w${i + 1}`, skills: ['echo'], transport }))
  t.after(() => Promise.all(workers.map((w) => w.close(1))))
  mocks.forEach((mock, i) => mock.pushTask({ job_id: `j${i}`, task_id: `t${i}`, type: 'echo', params: { i } }))
  const runs = workers.map((worker, i) => worker.run((task) => ({ by: i, i: task.params.i })))
  await until(() => mocks.every((mock) => mock.results().length === 1), 'both results')
  assert.deepEqual(mocks.map((mock) => mock.results()[0].data), [{ by: 0, i: 0 }, { by: 1, i: 1 }])
  await Promise.all(workers.map((w) => w.close(1)))
  await Promise.all(runs)
})
