'use strict'
// The Node binding with the real peers, over loopback: the reference (Python rxon 1.0b17)
// listener serving a Node worker and transport; the reference transport served by a Node
// Listener; and a Node worker completing jobs of the real orchestrator, avtomatika 1.0b30,
// with every task's signature checked. The Python interpreters come from ./scripts/test.sh
// (RXON_REFERENCE_PYTHON, RXON_AVTOMATIKA_PYTHON).

const assert = require('node:assert/strict')
const { spawn } = require('node:child_process')
const path = require('node:path')
const readline = require('node:readline')
const { test } = require('node:test')
const rxon = require('..')
const { until } = require('./helpers')

const INTEROP = path.resolve(__dirname, '..', '..', 'tests', 'interop')

/** The interpreter named by `variable`; the test fails clearly without it. */
function python(variable) {
  const found = process.env[variable]
  assert.ok(found, `${variable} is not set: run ./scripts/test.sh (it creates that virtualenv)`)
  return found
}

/** Starts `script` (tests/interop) with `args`, killed when test `t` ends; resolves the URL
 * it prints as `READY <port>`. */
async function peer(t, variable, script, args) {
  const child = spawn(python(variable), [path.join(INTEROP, script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
  t.after(() => child.kill('SIGKILL'))
  for await (const line of readline.createInterface({ input: child.stdout })) {
    // avtomatika logs to stdout too: the marker may be mid-line.
    const match = /READY (\d+)/.exec(line)
    if (match) {
      child.stdout.resume() // keep draining what it prints later
      return `http://127.0.0.1:${match[1]}`
    }
  }
  throw new Error(`${script} exited before it was ready`)
}

/** Runs `script` with `args` to its end: its stdout, or a failure with its stderr. */
function runToEnd(variable, script, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(python(variable), [path.join(INTEROP, script), ...args])
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${script} failed (${code}): ${stderr}`))))
  })
}

async function getJson(url, headers = {}) {
  const response = await fetch(url, { headers })
  return response.json()
}

async function postJson(url, body, headers = {}) {
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } })
  return { status: response.status, body: await response.json() }
}

test('a Node worker and transport served by the reference listener', async (t) => {
  const base = await peer(t, 'RXON_REFERENCE_PYTHON', 'reference_listener.py', ['--lifetime', '120'])

  // The transport: every action, and the command the reference pushes past two bad frames.
  const transport = rxon.createTransport(base, 'w1', 'secret', { requestTimeout: 5, resultRetries: 1 })
  assert.equal((await transport.register({ worker_id: 'w1', supported_skills: [{ name: 'echo' }] })).status, 'registered')
  await postJson(`${base}/_test/task`, { job_id: 'j1', task_id: 't1', type: 'echo', params: { x: 1.5 }, priority: 1.0 })
  const task = await transport.pollTask(5, ['echo'])
  assert.deepEqual(task.params, { x: 1.5 })
  assert.equal(await transport.sendResult({ job_id: 'j1', task_id: 't1', data: { sum: 3 } }), true)
  assert.equal(await transport.sendResult({ job_id: 'late', task_id: 't2' }), false, 'an ignored result')
  await assert.rejects(transport.sendResult({ job_id: 'busy', task_id: 't3' }), (e) => e instanceof rxon.RxonRateLimitError && e.code === 'QUOTA')
  assert.deepEqual(await transport.sendHeartbeat({ worker_id: 'w1', status: 'idle' }), { status: 'ok', require_full_sync: true, cancel_task_ids: ['t9'] })
  for await (const command of transport.listenForCommands({ reconnect: false })) {
    assert.deepEqual(command, { command: 'cancel_task', task_id: 't1', job_id: 'j1' })
    break
  }
  assert.equal((await transport.refreshToken()).access_token, 'sts-1')
  await transport.close()

  // The worker: registers, polls, runs a task and reports it.
  await postJson(`${base}/_test/task`, { job_id: 'j5', task_id: 't5', type: 'echo', params: { n: 5 } })
  const worker = new rxon.Worker({ url: base, workerId: 'node-w', token: 'secret', skills: ['echo'], pollTimeout: 1, signing: 'off' })
  const running = worker.run(async (task) => ({ echo: task.params }))
  let calls = []
  await until(async () => {
    calls = await getJson(`${base}/_test/calls`)
    return calls.some((c) => c.action === 'result' && c.payload.job_id === 'j5')
  }, "the worker's result")
  await worker.close(1)
  await running
  const result = calls.find((c) => c.action === 'result' && c.payload.job_id === 'j5')
  assert.deepEqual(result.payload.data, { echo: { n: 5 } })
  assert.equal(result.context.worker_id_hint ?? 'node-w', 'node-w')
  const register = calls.find((c) => c.action === 'register' && c.payload.worker_id === 'node-w')
  assert.deepEqual(register.payload.supported_skills.map((s) => s.name), ['echo'])
})

test('the reference transport served by a Node listener', async (t) => {
  const tasks = [{ job_id: 'j1', task_id: 't1', type: 'echo', params: { x: 1 } }]
  const seen = []
  const listener = new rxon.Listener({
    handler(action, payload, context) {
      seen.push({ action, payload, context })
      switch (action) {
        case 'poll':
          return tasks.shift()
        case 'result':
          return payload.job_id === 'late' ? { status: 'ignored', reason: 'deadline_exceeded' } : undefined
        case 'heartbeat':
          return { status: 'ok', require_full_sync: true, cancel_task_ids: ['t9'] }
        case 'sts_token':
          return { access_token: 'sts-1', expires_in: 60, worker_id: 'w1', refresh_token: 'r1' }
        case 'sts_refresh':
          return { access_token: 'sts-2', expires_in: 60, worker_id: 'w1' }
        default:
          return undefined
      }
    },
  })
  await listener.listen()
  t.after(() => listener.close(1))
  // The command goes down the worker's WebSocket as soon as it opens.
  const pushed = (async () => {
    await until(() => listener.connectedWorkers().includes('w1'), 'the command WebSocket', 20000)
    return listener.sendCommand('w1', { command: 'cancel_task', task_id: 't1', job_id: 'j1' })
  })()
  const out = JSON.parse(await runToEnd('RXON_REFERENCE_PYTHON', 'reference_worker.py', ['--url', listener.url]))
  assert.equal(await pushed, true)

  assert.deepEqual(out.register, { status: 'registered' })
  assert.deepEqual(out.task, { job_id: 'j1', task_id: 't1', type: 'echo', params: { x: 1 } })
  assert.equal(out.empty_poll, null)
  assert.equal(out.result, true)
  assert.equal(out.late_result, false)
  assert.deepEqual(out.heartbeat, { status: 'ok', require_full_sync: true, cancel_task_ids: ['t9'] })
  assert.equal(out.event_http, true)
  assert.deepEqual(out.command, { command: 'cancel_task', task_id: 't1', job_id: 'j1' })
  assert.equal(out.event_ws, true)
  assert.equal(out.sts_token.access_token, 'sts-1')
  assert.equal(out.sts_refresh.access_token, 'sts-2')

  const register = seen.find((s) => s.action === 'register')
  assert.deepEqual(register.payload, { worker_id: 'w1', supported_skills: [{ name: 'echo' }] })
  assert.equal(register.context.token, 'secret')
  assert.equal(register.context.workerIdHint, 'w1')
  assert.equal(register.context.protocolVersion, rxon.PROTOCOL_VERSION)
  const poll = seen.find((s) => s.action === 'poll')
  assert.equal(poll.context.pollTimeout, 5)
  assert.deepEqual(poll.context.availableSkills, ['echo', 'add'])
  const events = seen.filter((s) => s.action === 'event').map((s) => [s.payload.event_id, s.context.transport])
  assert.deepEqual(events.sort(), [['e-http', 'http'], ['e-ws', 'websocket']])
  assert.deepEqual(seen.find((s) => s.action === 'sts_refresh').payload, { refresh_token: 'r1' })
})

const CLIENT = { 'X-Client-Token': 'client-token' }
const TERMINAL = new Set(['finished', 'failed', 'error', 'quarantined', 'cancelled'])

async function submit(base, data) {
  const { status, body } = await postJson(`${base}/api/v1/jobs/e2e`, { initial_data: data }, CLIENT)
  assert.ok(status < 300, JSON.stringify(body))
  return body.job_id
}

/** The job once it has ended (at most 60 s). */
async function outcome(base, jobId) {
  for (let i = 0; i < 300; i++) {
    const job = await getJson(`${base}/api/v1/jobs/${jobId}`, CLIENT)
    if (TERMINAL.has(job.status)) return job
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  assert.fail(`job ${jobId} never ended`)
}

test('a Node worker completes avtomatika jobs, signatures checked, failures mapped to their codes', async (t) => {
  const base = await peer(t, 'RXON_AVTOMATIKA_PYTHON', 'avtomatika_orchestrator.py', [
    '--client-token', 'client-token', '--worker-token', 'worker-token', '--secret', 'orchestrator-secret', '--lifetime', '300',
  ])
  const attempts = new Map()
  const ran = []
  const worker = new rxon.Worker({
    url: base,
    workerId: 'node-e2e',
    token: 'worker-token',
    skills: ['add'],
    concurrency: 2,
    heartbeatInterval: 1,
    taskSecret: 'orchestrator-secret',
  })
  worker.skill('add', async (task) => {
    const params = task.params
    ran.push(params)
    const name = params.name || ''
    attempts.set(name, (attempts.get(name) || 0) + 1)
    if (params.flaky && attempts.get(name) === 1) throw new Error('the GPU went away') // TRANSIENT_ERROR: dispatched again
    if (params.refuse) throw new rxon.ParamValidationError('b must be positive') // INVALID_INPUT_ERROR: the job fails
    if (params.permanent) throw Object.assign(new Error('will never work'), { code: rxon.constants.ERROR_CODE_PERMANENT })
    if (params.sleep) {
      await new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, params.sleep * 1000)
        task.signal.addEventListener('abort', () => {
          clearTimeout(timer)
          reject(task.signal.reason)
        })
      })
    }
    await task.progress(0.5)
    return { sum: params.a + params.b }
  })
  t.after(() => worker.close(1))
  const running = worker.run()
  await until(async () => {
    const workers = await getJson(`${base}/api/v1/workers`, CLIENT)
    const record = workers.find((w) => w.worker_id === 'node-e2e')
    return record && record.capabilities && record.capabilities.websockets
  }, 'the worker registered with its command socket', 30000)

  for (const priority of [{}, { priority: 2.5 }, { priority: 7 }]) {
    const job = await outcome(base, await submit(base, { a: 40, b: 2, ...priority }))
    assert.equal(job.status, 'finished', JSON.stringify(job))
    assert.equal(job.result, 42)
  }
  const flaky = await outcome(base, await submit(base, { a: 1, b: 1, flaky: true, name: 'flaky' }))
  assert.equal(flaky.status, 'finished', JSON.stringify(flaky))
  assert.equal(attempts.get('flaky'), 2)
  assert.equal((await outcome(base, await submit(base, { a: 1, b: 1, refuse: true }))).status, 'failed')
  assert.equal((await outcome(base, await submit(base, { a: 1, b: 1, permanent: true }))).status, 'quarantined')

  const tampered = await outcome(base, await submit(base, { a: 1, b: 1, tamper: true }))
  assert.equal(tampered.status, 'quarantined', JSON.stringify(tampered))
  assert.match(tampered.error_message, /SECURITY_ERROR/)
  assert.ok(!ran.some((params) => params.tamper), 'the tampered task never reached the handler')

  const long = await submit(base, { a: 1, b: 1, sleep: 25 })
  await until(() => ran.some((params) => params.sleep), 'the long task to start', 20000)
  const { status } = await postJson(`${base}/api/v1/jobs/${long}/cancel`, {}, CLIENT)
  assert.equal(status, 200)
  assert.equal((await outcome(base, long)).status, 'cancelled')

  await worker.drain()
  await running
})
