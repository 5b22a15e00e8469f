'use strict'
// The transports over real loopback sockets against rxon's own listener (the `echo_listener`
// example, started here), and the mock transport.

const assert = require('node:assert/strict')
const { test } = require('node:test')
const rxon = require('..')
const { echoListener } = require('./helpers')

test('every action of the HTTP transport against our listener', async (t) => {
  const url = await echoListener(t, '--token', 'token-1')
  const transport = rxon.createTransport(url, 'w1', 'token-1', { requestTimeout: 5 })
  t.after(() => transport[Symbol.asyncDispose]())
  assert.ok(transport instanceof rxon.HttpTransport)
  assert.equal(transport.workerId, 'w1')
  assert.deepEqual(await transport.register({ worker_id: 'w1', supported_skills: [{ name: 'echo' }] }), { status: 'registered' })
  const task = await transport.pollTask(5, ['echo'])
  assert.equal(task.type, 'echo')
  assert.ok(task.job_id && task.task_id)
  assert.equal(await transport.sendResult({ job_id: task.job_id, task_id: task.task_id, data: { ok: true } }), true)
  // The echo listener answers heartbeats with nothing to do: no answer.
  assert.equal(await transport.sendHeartbeat({ worker_id: 'w1', status: 'idle' }), null)
  const event = { event_id: 'e1', worker_id: 'w1', origin_worker_id: 'w1', event_type: 'progress', payload: { p: 0.5 } }
  assert.equal(await transport.emitEvent(event), true)
  const token = await transport.refreshToken()
  assert.equal(token.access_token, 'token-1')
})

test('refusals arrive as their classes, bad messages before anything is sent', async (t) => {
  const url = await echoListener(t, '--token', 'right')
  const transport = new rxon.HttpTransport(url, 'w1', 'wrong', { requestTimeout: 5 })
  await assert.rejects(transport.register({ worker_id: 'w1' }), rxon.RxonAuthError)
  await assert.rejects(transport.sendResult({ job_id: 'j' }), (e) => e instanceof rxon.RxonError && /task_id/.test(e.message))
  await transport.close()
  await assert.rejects(transport.pollTask(1), (e) => e instanceof rxon.RxonError && /closed/.test(e.message))
  assert.throws(() => new rxon.HttpTransport('ftp://x', 'w1', 't'), rxon.RxonError)
  assert.throws(() => new rxon.HttpTransport(url, 'not an id!', 't'), rxon.RxonError)
})

test('a poll with nothing to hand out answers null after its timeout', async (t) => {
  const url = await echoListener(t, '--hold-polls')
  const transport = rxon.createTransport(url, 'w1', 't')
  assert.equal(await transport.pollTask(0.2), null)
  await transport.close()
})

test('the mock transport hands out what was pushed and keeps what was sent', async () => {
  const mock = rxon.createTransport('mock://', 'w1', 't')
  assert.ok(mock instanceof rxon.MockTransport)
  mock.pushTask({ job_id: 'j', task_id: 't', type: 'echo', params: { n: 1 } })
  assert.throws(() => mock.pushTask({ job_id: 'j' }), rxon.RxonError)
  const task = await mock.pollTask(1)
  assert.deepEqual(task.params, { n: 1 })
  await mock.sendResult({ job_id: 'j', task_id: 't', data: { n: 2 } })
  await mock.register({ worker_id: 'w1' })
  assert.deepEqual(mock.results(), [{ job_id: 'j', task_id: 't', data: { n: 2 } }])
  assert.equal(mock.registered().length, 1)
})

test('commands arrive through listenForCommands and the stream ends when the transport closes', async () => {
  const mock = new rxon.MockTransport('w1')
  await mock.connect()
  const commands = mock.listenForCommands()
  mock.pushCommand({ command: 'cancel_task', task_id: 't1', job_id: 'j1' })
  assert.throws(() => mock.pushCommand({ task_id: 't1' }), rxon.RxonError)
  const first = await commands.next()
  assert.deepEqual(first.value, { command: 'cancel_task', job_id: 'j1', task_id: 't1' })
  const ending = commands.next()
  await mock.close()
  assert.deepEqual(await ending, { value: undefined, done: true })
})

test('with signing, every message goes out stamped and signed with the master token', async (t) => {
  const http = require('node:http')
  const received = []
  const server = http.createServer((request, response) => {
    let body = ''
    request.on('data', (chunk) => (body += chunk))
    request.on('end', () => {
      received.push(JSON.parse(body))
      response.setHeader('content-type', 'application/json')
      response.end('{"status":"registered"}')
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => server.close())
  const url = `http://127.0.0.1:${server.address().port}`
  const signed = rxon.createTransport(url, 'w1', 'token-1', { signing: 'masterToken', requestTimeout: 5 })
  await signed.register({ worker_id: 'w1' })
  const [registration] = received
  assert.ok(Number.isInteger(registration.timestamp))
  assert.ok(rxon.verifySignature(registration, registration.security.signature, 'token-1'))
  assert.ok(!rxon.verifySignature(registration, registration.security.signature, 'another-token'))
  const plain = rxon.createTransport(url, 'w1', 'token-1', { requestTimeout: 5 })
  await plain.register({ worker_id: 'w1' })
  assert.equal(received[1].security, undefined)
  assert.throws(() => rxon.createTransport(url, 'w1', 't', { signing: 'sometimes' }), TypeError)
  await Promise.all([signed.close(), plain.close()])
})
