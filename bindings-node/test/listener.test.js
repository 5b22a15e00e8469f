'use strict'
// The Listener (an orchestrator in Node) over real loopback sockets: every action from rxon's
// transport and worker, the statuses of what a handler throws, abandoned polls, commands down
// the WebSocket, and what happens after close().

const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const path = require('node:path')
const { test } = require('node:test')
const rxon = require('..')
const { until } = require('./helpers')

/** A listener whose handler is `handler`, closed when test `t` ends. */
async function listening(t, handler, options = {}) {
  const listener = new rxon.Listener({ handler, ...options })
  await listener.listen()
  t.after(() => listener.close(1))
  return listener
}

test('every action reaches the handler with its payload and context, and its answer goes back', async (t) => {
  const seen = []
  const tasks = [{ job_id: 'j1', task_id: 't1', type: 'echo', params: { n: 1 } }]
  const listener = await listening(t, async (action, payload, context) => {
    seen.push({ action, payload, context })
    if (action === 'poll') return tasks.shift()
    if (action === 'heartbeat') return { status: 'ok', cancel_tasks: ['t9'] }
    if (action === 'sts_refresh' || action === 'sts_token') return { access_token: 'short', expires_in: 60, worker_id: 'w1' }
    return undefined
  })
  assert.equal(typeof listener.port, 'number')
  assert.equal(listener.url, `http://127.0.0.1:${listener.port}`)
  const transport = rxon.createTransport(listener.url, 'w1', 'token-1', { requestTimeout: 5 })
  t.after(() => transport.close())

  assert.deepEqual(await transport.register({ worker_id: 'w1', supported_skills: [{ name: 'echo' }] }), { status: 'registered' })
  const task = await transport.pollTask(5, ['echo'], ['echo'])
  assert.deepEqual(task.params, { n: 1 })
  assert.equal(await transport.sendResult({ job_id: 'j1', task_id: 't1', data: { n: 2, big: 123456789012345678901n } }), true)
  const answer = await transport.sendHeartbeat({ worker_id: 'w1', status: 'idle' })
  assert.deepEqual(answer.cancel_tasks, ['t9'])
  const event = { event_id: 'e1', worker_id: 'w1', origin_worker_id: 'w1', event_type: 'progress', payload: { p: 0.5 } }
  assert.equal(await transport.emitEvent(event), true)
  assert.equal((await transport.refreshToken()).access_token, 'short')

  const byAction = Object.fromEntries(seen.map((s) => [s.action, s]))
  assert.deepEqual(byAction.register.payload.supported_skills.map((s) => s.name), ['echo'])
  assert.equal(byAction.register.context.token, 'token-1')
  assert.equal(byAction.register.context.transport, 'http')
  assert.equal(byAction.poll.payload, 'w1')
  assert.deepEqual(byAction.poll.context.availableSkills, ['echo'])
  assert.deepEqual(byAction.poll.context.hotSkills, ['echo'])
  assert.equal(byAction.poll.context.pollTimeout, 5)
  assert.equal(byAction.poll.context.workerIdHint, 'w1')
  assert.equal(byAction.poll.context.protocolVersion, rxon.PROTOCOL_VERSION)
  assert.match(byAction.poll.context.remoteAddr, /^127\.0\.0\.1:\d+$/)
  // An integer beyond 2^53 reaches the handler exactly, as a BigInt.
  assert.deepEqual(byAction.result.payload.data, { n: 2, big: 123456789012345678901n })
  assert.equal(byAction.heartbeat.payload.status, 'idle')
  assert.equal(byAction.event.payload.event_type, 'progress')
})

test('what a handler throws becomes its status, and the transport raises the matching class', async (t) => {
  const records = []
  rxon.setLogger((record) => records.push(record), { level: 'error' })
  t.after(() => rxon.setLogger(console, { level: 'warn' }))
  const thrown = {
    register: () => new rxon.RxonAuthError('unknown worker'),
    heartbeat: () => new rxon.RxonRateLimitError('slow down', { retry_after: 2, code: 'TOO_MANY' }),
    result: () => new rxon.ParamValidationError('bad result'),
    event: () => Object.assign(new Error('gone'), { status: 410 }),
    poll: () => new TypeError('a bug in the handler'),
  }
  const listener = await listening(t, async (action) => {
    throw thrown[action]()
  })
  const transport = rxon.createTransport(listener.url, 'w1', 't', { requestTimeout: 5, resultRetries: 1 })
  t.after(() => transport.close())
  await assert.rejects(transport.register({ worker_id: 'w1' }), rxon.RxonAuthError)
  await assert.rejects(transport.sendHeartbeat({ worker_id: 'w1', status: 'idle' }), (e) => {
    assert.ok(e instanceof rxon.RxonRateLimitError, e.stack)
    assert.equal(e.retryAfter, 2)
    assert.equal(e.code, 'TOO_MANY')
    return true
  })
  await assert.rejects(transport.sendResult({ job_id: 'j', task_id: 't', data: {} }), (e) => e.status === 400)
  const event = { event_id: 'e1', worker_id: 'w1', origin_worker_id: 'w1', event_type: 'x', payload: {} }
  assert.equal(await transport.emitEvent(event), false)
  await assert.rejects(transport.pollTask(1), (e) => e.status === 500)
  // Only the unexpected error (500) is logged, with its stack.
  await until(() => records.length === 1, 'the log record')
  assert.equal(records[0].level, 'error')
  assert.match(records[0].message, /the handler for poll threw: TypeError: a bug in the handler/)
})

test('an answer that cannot be sent is a 500, logged; a synchronous handler works too', async (t) => {
  const records = []
  rxon.setLogger((record) => records.push(record), { level: 'error' })
  t.after(() => rxon.setLogger(console, { level: 'warn' }))
  const listener = await listening(t, (action) => (action === 'register' ? { when: () => 1 } : { status: 'ok' }))
  const transport = rxon.createTransport(listener.url, 'w1', 't', { requestTimeout: 5 })
  t.after(() => transport.close())
  await assert.rejects(transport.register({ worker_id: 'w1' }), (e) => e.status === 500)
  assert.deepEqual(await transport.sendHeartbeat({ worker_id: 'w1', status: 'idle' }), { status: 'ok' })
  await until(() => records.length === 1, 'the log record')
  assert.match(records[0].message, /cannot be sent/)
})

test("a poll the worker abandons fires its context's signal", async (t) => {
  let pollSignal
  const listener = await listening(t, (action, payload, context) => {
    if (action !== 'poll') return undefined
    pollSignal = context.signal
    return new Promise(() => {}) // never answers
  })
  const transport = rxon.createTransport(listener.url, 'w1', 't', { requestTimeout: 5 })
  // Closing the transport ends the poll with an error: handled from the start.
  const poll = transport.pollTask(30).catch((error) => error)
  await until(() => pollSignal, 'the poll')
  assert.equal(pollSignal.aborted, false)
  await transport.close() // abandons the poll
  assert.ok((await poll) instanceof rxon.RxonNetworkError)
  await until(() => pollSignal.aborted, 'the signal')
  assert.ok(pollSignal.reason instanceof rxon.RxonNetworkError)
})

test("an aborted poll closes its request: the listener's signal fires too", async (t) => {
  let pollSignal
  const listener = await listening(t, (action, payload, context) => {
    pollSignal = context.signal
    return new Promise(() => {})
  })
  const transport = rxon.createTransport(listener.url, 'w1', 't', { requestTimeout: 5 })
  t.after(() => transport.close())
  const started = Date.now()
  await assert.rejects(transport.pollTask(30, null, null, { signal: AbortSignal.timeout(200) }), { name: 'TimeoutError' })
  assert.ok(Date.now() - started < 5000)
  await until(() => pollSignal && pollSignal.aborted, "the listener's signal")
  const aborted = AbortSignal.abort()
  await assert.rejects(transport.pollTask(30, null, null, { signal: aborted }), { name: 'AbortError' })
})

test('a Node worker runs its tasks against a Node listener; commands reach it over the WebSocket', async (t) => {
  const pending = [{ job_id: 'j1', task_id: 't1', type: 'double', params: { n: 21 } }]
  const results = []
  const listener = await listening(t, async (action, payload) => {
    if (action === 'poll') return pending.shift()
    if (action === 'result') results.push(payload)
    return undefined
  })
  const worker = new rxon.Worker({ url: listener.url, workerId: 'w1', token: 't', skills: ['double'], pollTimeout: 1 })
  t.after(() => worker.close(1))
  await worker.start()
  const running = worker.run(async (task) => ({ n: task.params.n * 2 }))
  await until(() => results.length === 1, 'the result')
  assert.deepEqual(results[0].data, { n: 42 })
  assert.equal(results[0].error, undefined) // a success: the status left out, as the reference writes it
  // The worker opens its command WebSocket once registered.
  await until(() => listener.connectedWorkers().includes('w1'), 'the command WebSocket')
  assert.equal(await listener.sendCommand('w1', { command: 'drain' }), true)
  assert.equal(await listener.sendCommand('nobody', { command: 'drain' }), false)
  await assert.rejects(listener.sendCommand('w1', { no_command: 1 }), rxon.RxonError)
  await running // the drain command ended the run loop
  assert.equal(worker.state, 'draining')
  await worker.close(1)
  assert.equal(worker.state, 'stopped')
})

test('close answers waiting polls, ends serving, and use after close is refused clearly', async () => {
  const listener = new rxon.Listener({ handler: () => new Promise(() => {}) })
  await assert.rejects(listener.sendCommand('w1', { command: 'drain' }), /not listening/)
  await listener.listen()
  await assert.rejects(listener.listen(), /already listening/)
  const transport = rxon.createTransport(listener.url, 'w1', 't', { requestTimeout: 5 })
  const poll = transport.pollTask(30)
  await new Promise((resolve) => setTimeout(resolve, 100))
  await listener.close(1)
  assert.equal(await poll, null) // answered 204: no task
  assert.equal(listener.port, null)
  assert.throws(() => listener.connectedWorkers(), /not listening/)
  await listener.close() // a second close does nothing
  await transport.close()
})

test('options of the wrong type are refused before anything is bound', async () => {
  await assert.rejects(new rxon.Listener().listen(), TypeError)
  await assert.rejects(new rxon.Listener({ handler: () => {}, port: 'x' }).listen(), TypeError)
  await assert.rejects(new rxon.Listener({ handler: () => {}, port: 70000 }).listen(), TypeError)
  await assert.rejects(new rxon.Listener({ handler: () => {}, bodyLimit: '1MB' }).listen(), TypeError)
  await assert.rejects(new rxon.Listener({ handler: () => {}, handshakeTimeout: 'soon' }).listen(), TypeError)
  await assert.rejects(new rxon.Listener({ handler: () => {}, maxConnections: 0 }).listen(), /maxConnections/)
  await assert.rejects(new rxon.Listener({ handler: () => {}, headerReadTimeout: -1 }).listen(), TypeError)
  await assert.rejects(new rxon.Listener({ handler: () => {}, tls: { certFile: 'a' } }).listen(), /keyFile/)
  await assert.rejects(new rxon.Listener({ handler: () => {}, tls: { certFile: 'a', keyFile: 'b', clientAuth: 'maybe' } }).listen(), /client_auth/)
  assert.throws(() => rxon.setLogger(console, { level: 'loud' }), TypeError)
})

test('a script that starts and closes a listener exits by itself', () => {
  const script = `
    const rxon = require(${JSON.stringify(path.resolve(__dirname, '..'))})
    ;(async () => {
      const listener = await new rxon.Listener({ handler: () => ({ status: 'ok' }) }).listen()
      const transport = rxon.createTransport(listener.url, 'w1', 't')
      await transport.sendHeartbeat({ worker_id: 'w1', status: 'idle' })
      await transport.close()
      await listener.close()
      console.log('closed')
    })()`
  const run = spawnSync(process.execPath, ['-e', script], { timeout: 20000, encoding: 'utf8' })
  assert.equal(run.signal, null, 'the script did not exit by itself')
  assert.equal(run.status, 0, run.stderr)
  assert.equal(run.stdout.trim(), 'closed')
})

/** A private CA, a certificate for 127.0.0.1 and a client certificate for `w1`, made with the
 * openssl command into a temporary folder: their paths. */
function certificates(t) {
  const { mkdtempSync, rmSync } = require('node:fs')
  const dir = mkdtempSync(path.join(require('node:os').tmpdir(), 'rxon-tls-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const file = (name) => path.join(dir, name)
  const openssl = (...args) => {
    const run = spawnSync('openssl', args, { encoding: 'utf8' })
    assert.equal(run.status, 0, run.stderr)
  }
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']
  openssl('req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-subj', '/CN=rxon test CA', '-days', '1',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign')
  for (const [name, subject, extension] of [
    ['server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1'],
    ['client', '/CN=w1', 'extendedKeyUsage=clientAuth'],
  ]) {
    openssl('req', ...ec, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', subject)
    require('node:fs').writeFileSync(file(`${name}.ext`), `${extension}\n`)
    openssl('x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
      '-out', file(`${name}.pem`), '-days', '1', '-extfile', file(`${name}.ext`))
  }
  return { ca: file('ca.pem'), cert: file('server.pem'), key: file('server.key'), clientCert: file('client.pem'), clientKey: file('client.key') }
}

test('over mutual TLS the handler learns the worker certificate; without one the worker is refused', async (t) => {
  const files = certificates(t)
  const identities = []
  const tasks = [{ job_id: 'j1', task_id: 't1', type: 'echo', params: {} }]
  const listener = await listening(t, (action, payload, context) => {
    identities.push(context.certIdentity)
    return action === 'poll' ? tasks.shift() : undefined
  }, { tls: { certFile: files.cert, keyFile: files.key, clientCa: files.ca, clientAuth: 'required' } })
  assert.match(listener.url, /^https:/)
  const tls = { caFile: files.ca, certFile: files.clientCert, keyFile: files.clientKey }
  const transport = rxon.createTransport(listener.url, 'w1', 't', { requestTimeout: 5, tls })
  t.after(() => transport.close())
  assert.deepEqual(await transport.register({ worker_id: 'w1' }), { status: 'registered' })
  assert.deepEqual(identities, ['w1'])

  const stranger = rxon.createTransport(listener.url, 'w1', 't', { requestTimeout: 5, tls: { caFile: files.ca } })
  await assert.rejects(stranger.register({ worker_id: 'w1' }), rxon.RxonNetworkError)
  await stranger.close()
  assert.throws(() => rxon.createTransport(listener.url, 'w1', 't', { tls: { certFile: files.clientCert } }), /go together/)

  const worker = new rxon.Worker({ url: listener.url, workerId: 'w1', token: 't', skills: ['echo'], pollTimeout: 1, tls })
  let ran = false
  const running = worker.run(() => {
    ran = true
  })
  await until(() => ran, 'the task over TLS')
  await worker.close(1)
  await running
})

test('with auth, a worker with its token and signatures is served and a stranger never reaches the handler', async (t) => {
  const pending = [{ job_id: 'j1', task_id: 't1', type: 'double', params: { n: 2 } }]
  const seen = []
  const listener = await listening(t, async (action, payload, context) => {
    seen.push({ action, worker: context.workerIdHint ?? payload?.worker_id })
    if (action === 'poll') return pending.shift()
    return undefined
  }, { auth: { workers: { w1: 'token-1' }, timestampWindow: 30 } })
  const worker = new rxon.Worker({ url: listener.url, workerId: 'w1', token: 'token-1', skills: ['double'], pollTimeout: 1 })
  t.after(() => worker.close(1))
  await worker.start()
  const running = worker.run(async (task) => ({ n: task.params.n * 2 }))
  await until(() => seen.some((s) => s.action === 'result'), 'the signed result')

  const stranger = rxon.createTransport(listener.url, 'w1', 'not-the-token', { requestTimeout: 5 })
  t.after(() => stranger.close())
  await assert.rejects(stranger.register({ worker_id: 'w1' }), rxon.RxonAuthError)
  const unsigned = rxon.createTransport(listener.url, 'w1', 'token-1', { requestTimeout: 5 })
  t.after(() => unsigned.close())
  await assert.rejects(unsigned.sendHeartbeat({ worker_id: 'w1', status: 'idle' }), rxon.RxonAuthError)
  assert.equal(seen.filter((s) => s.action === 'register').length, 1, 'only the worker\'s own registration arrived')
  assert.equal(seen.filter((s) => s.action === 'heartbeat' && s.worker === undefined).length, 0)

  await assert.rejects(new rxon.Listener({ handler: () => {}, auth: { workers: { w1: 5 } } }).listen(), /auth: w1/)
  await assert.rejects(new rxon.Listener({ handler: () => {}, auth: { workers: {}, colour: 1 } }).listen(), /unknown option "colour"/)
  await worker.close(1)
  await running
})
