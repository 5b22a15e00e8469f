'use strict'
// What the tests share: rxon's own listener (the echo_listener example, debug) started on a
// free loopback port, and bounded waiting.

const assert = require('node:assert/strict')
const { spawn } = require('node:child_process')
const path = require('node:path')
const readline = require('node:readline')

const TARGET = process.env.CARGO_TARGET_DIR || path.resolve(__dirname, '..', '..', 'target')
const ECHO_LISTENER =
  process.env.RXON_ECHO_LISTENER || path.join(TARGET, 'x86_64-unknown-linux-gnu', 'debug', 'examples', 'echo_listener')

/** Starts the echo listener with `args`; stops it when test `t` ends. Its URL. */
async function echoListener(t, ...args) {
  const child = spawn(ECHO_LISTENER, ['--bind', '127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
  t.after(() => child.kill('SIGTERM'))
  for await (const line of readline.createInterface({ input: child.stdout })) {
    const match = /^listening on (.+)$/.exec(line)
    if (match) return `http://${match[1]}`
  }
  throw new Error('echo_listener exited before listening')
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Waits until `condition()` (or the Promise it returns) holds, at most `ms` (default 5 s). */
async function until(condition, what, ms = 5000) {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (await condition()) return
    await sleep(20)
  }
  assert.fail(`timed out waiting for ${what}`)
}

module.exports = { echoListener, until }
