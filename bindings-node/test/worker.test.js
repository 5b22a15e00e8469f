'use strict'
// The worker runtime from Node: over the mock transport (every outcome a handler can have)
// and over loopback against rxon's own listener (the echo_listener example).

const assert = require('node:assert/strict')
const { execFile } = require('node:child_process')
const path = require('node:path')
const { test } = require('node:test')
const rxon = require('..')
const { echoListener, until } = require('./helpers')

/** A worker over a mock transport holding `tasks`; closed when the test ends. */
async function mockWorker(t, tasks, options = {}) {
  const mock = new rxon.MockTransport('w1')
  for (const task of tasks) mock.pushTask(task)
  const worker = new rxon.Worker({ workerId: 'w1', token: 't', skills: ['echo', 'other'], transport: mock, heartbeatInterval: 60, ...options })
  await worker.start()
  t.after(() => worker.close(0))
  return { mock, worker }
}

const task = (id, extra = {}) => ({ job_id: `job-${id}`, task_id: id, type: 'echo', params: { n: id }, ...extra })
const outcome = (result) => [result.status ?? 'success', result.error?.code ?? null]

test('each way a handler can end is reported, and none loses the task', async (t) => {
  const tasks = ['ok', 'sdk-failure', 'invalid', 'integrity', 'coded', 'thrown', 'unusable'].map((id) => task(id))
  const { mock, worker } = await mockWorker(t, tasks, { concurrency: 4 })
  const running = worker.run(async (task) => {
    switch (task.id) {
      case 'ok':
        return { echoed: task.params.n }
      case 'sdk-failure':
        return { status: 'failure', error: { code: rxon.constants.ERROR_CODE_PERMANENT, message: 'no' } }
      case 'invalid':
        throw new rxon.ParamValidationError('bad input')
      case 'integrity':
        throw new rxon.IntegrityError('hash mismatch')
      case 'coded':
        throw Object.assign(new Error('out of memory'), { code: rxon.constants.ERROR_CODE_RESOURCE_EXHAUSTED })
      case 'thrown':
        throw new Error('flaky')
      case 'unusable':
        return Symbol('not a result')
    }
  })
  await until(() => mock.results().length === tasks.length, 'every result')
  const byId = Object.fromEntries(mock.results().map((r) => [r.task_id, r]))
  assert.deepEqual(byId.ok.data, { echoed: 'ok' })
  assert.deepEqual(outcome(byId.ok), ['success', null])
  assert.deepEqual(outcome(byId['sdk-failure']), ['failure', 'PERMANENT_ERROR'])
  assert.deepEqual(outcome(byId.invalid), ['failure', 'INVALID_INPUT_ERROR'])
  assert.deepEqual(outcome(byId.integrity), ['failure', 'INTEGRITY_MISMATCH_ERROR'])
  assert.deepEqual(outcome(byId.coded), ['failure', 'RESOURCE_EXHAUSTED_ERROR'])
  assert.deepEqual(outcome(byId.thrown), ['failure', 'TRANSIENT_ERROR'])
  assert.deepEqual(outcome(byId.unusable), ['failure', 'PERMANENT_ERROR'])
  await worker.close(1)
  await running
  assert.equal(worker.state, 'stopped')
})

test('skills get their own handlers; a skill without one fails permanently', async (t) => {
  const { mock, worker } = await mockWorker(t, [task('a'), task('b', { type: 'other' })])
  worker.skill('echo', async (task) => ({ by: 'echo', n: task.params.n }))
  const running = worker.run()
  await until(() => mock.results().length === 2, 'both results')
  const byId = Object.fromEntries(mock.results().map((r) => [r.task_id, r]))
  assert.deepEqual(byId.a.data, { by: 'echo', n: 'a' })
  assert.deepEqual(outcome(byId.b), ['failure', 'PERMANENT_ERROR'])
  await worker.close(1)
  await running
})

test("a task's signal fires at its deadline", async (t) => {
  const deadline = Math.floor(Date.now() / 1000) + 1
  const { worker } = await mockWorker(t, [task('slow', { deadline })])
  const got = await worker.nextTask()
  assert.ok(got.timeLeft <= 1)
  await new Promise((resolve) => got.signal.addEventListener('abort', resolve))
  assert.ok(got.signal.aborted)
})

test('tasks come one by one with for await, and the loop ends when the worker closes', async (t) => {
  const { mock, worker } = await mockWorker(t, [task('1'), task('2')])
  const seen = []
  for await (const task of worker) {
    seen.push(task.id)
    task.complete({ ok: true })
    if (seen.length === 2) await worker.close(1)
  }
  assert.deepEqual(seen, ['1', '2'])
  assert.equal(mock.results().length, 2)
})

test('run() takes the tasks in hand in batches and loses none past a batch', async (t) => {
  const tasks = Array.from({ length: 150 }, (_, i) => task(`t${i}`))
  const { mock, worker } = await mockWorker(t, tasks, { concurrency: 100, concurrentPolls: 8 })
  let inFlight = 0
  let release
  const released = new Promise((resolve) => (release = resolve))
  const running = worker.run(async (task) => {
    inFlight += 1
    // More handlers at once than one batch holds: later batches came while these waited.
    if (inFlight === 80) release()
    await released
    return { n: task.params.n }
  })
  await until(() => mock.results().length === tasks.length, 'every result')
  assert.deepEqual(new Set(mock.results().map((r) => r.task_id)), new Set(tasks.map((t) => t.task_id)))
  assert.ok(mock.results().every((r) => outcome(r)[0] === 'success'))
  await worker.close(1)
  await running
})

test('a worker against our listener runs its tasks and stops', async (t) => {
  const url = await echoListener(t)
  const worker = new rxon.Worker({ url, workerId: 'node-1', token: 'token', skills: ['echo'], concurrency: 4 })
  let done = 0
  const running = worker.run(async (task) => {
    done += 1
    return { n: task.params.n }
  })
  await until(() => done >= 20, '20 tasks')
  await worker.close(1)
  await running
  assert.equal(worker.state, 'stopped')
})

test('a script that starts and closes a worker exits by itself', async () => {
  const script = `
    const rxon = require(${JSON.stringify(path.resolve(__dirname, '..'))})
    const worker = new rxon.Worker({ workerId: 'w1', token: 't', skills: ['echo'], transport: new rxon.MockTransport('w1') })
    worker.start().then(() => worker.close(0)).then(() => console.log('closed'))
  `
  const { stdout } = await new Promise((resolve, reject) =>
    execFile(process.execPath, ['-e', script], { timeout: 10000 }, (error, stdout) => (error ? reject(error) : resolve({ stdout }))),
  )
  assert.equal(stdout.trim(), 'closed')
})

test("a cancel command aborts the task's signal; a handler that stops is reported cancelled", async (t) => {
  const { mock, worker } = await mockWorker(t, [task('long')])
  let started
  const begun = new Promise((resolve) => (started = resolve))
  const running = worker.run(async (task) => {
    started()
    await new Promise((_, reject) => task.signal.addEventListener('abort', () => reject(task.signal.reason)))
  })
  await begun
  mock.pushCommand({ command: rxon.constants.COMMAND_CANCEL_TASK, task_id: 'long', job_id: 'job-long' })
  await until(() => mock.results().length === 1, 'the cancelled result')
  assert.equal(mock.results()[0].status, 'cancelled')
  await worker.close(1)
  await running
})

test('worker options of the wrong type are refused, not ignored', async () => {
  const transport = new rxon.MockTransport('w1')
  const wrong = [{ concurrency: '4' }, { concurrency: 0 }, { concurrentPolls: 0 }, { concurrentPolls: 1.5 }, { heartbeatInterval: -1 }, { pollTimeout: 'soon' }, { outbox: 1 }]
  for (const bad of wrong) {
    const worker = new rxon.Worker({ workerId: 'w1', transport, ...bad })
    await assert.rejects(worker.start(), TypeError, JSON.stringify(bad))
  }
})

test('a handler that never settles does not lose its task or hold run() after close()', async (t) => {
  const { mock, worker } = await mockWorker(t, [task('hangs')])
  let started = false
  const running = worker.run(() => {
    started = true
    return new Promise(() => {})
  })
  await until(() => started, 'the handler')
  await worker.close(0.2)
  await running
  assert.equal(mock.results().length, 1)
  assert.deepEqual(outcome(mock.results()[0]), ['cancelled', null])
})

test('skill(name, options, handler) declares the skill with its contract before start()', async (t) => {
  const mock = new rxon.MockTransport('w1')
  const worker = new rxon.Worker({ workerId: 'w1', transport: mock, heartbeatInterval: 60 })
  t.after(() => worker.close(0))
  worker.skill('double', { input_schema: { type: 'object', required: ['n'] } }, (task) => ({ n: task.params.n * 2 }))
  worker.skill('noop', () => ({}))
  assert.throws(() => worker.skill('bad', {}, 'not a function'), TypeError)
  mock.pushTask({ job_id: 'j1', task_id: 't1', type: 'double', params: { n: 21 } })
  mock.pushTask({ job_id: 'j2', task_id: 't2', type: 'double', params: {} })
  const running = worker.run()
  await until(() => mock.results().length === 2, 'both results')
  const declared = mock.registered()[0].supported_skills
  assert.deepEqual(declared.map((s) => s.name).sort(), ['double', 'noop'])
  assert.deepEqual(declared.find((s) => s.name === 'double').input_schema, { type: 'object', required: ['n'] })
  const byId = Object.fromEntries(mock.results().map((r) => [r.task_id, r]))
  assert.deepEqual(byId.t1.data, { n: 42 })
  assert.equal(byId.t2.error.code, rxon.constants.ERROR_CODE_INVALID_INPUT) // the contract, checked by the core
  assert.throws(() => worker.skill('late', () => ({})), /before start/)
  await worker.close(1)
  await running
})
