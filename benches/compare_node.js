#!/usr/bin/env node
// signPayload from `rxon` (the Rust core through napi) beside what a Node user would otherwise
// write: a key-sorted JSON.stringify with the canonical form's rules, and node:crypto's HMAC.
// Both sign the 498-byte TaskResult fixture; the signatures are checked equal first.
//
//     (cd bindings-node && npm ci && npm run build)
//     node benches/compare_node.js

'use strict'
const crypto = require('node:crypto')
const fs = require('node:fs')
const path = require('node:path')
const rxon = require('../bindings-node')

const result = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'task_result.json'), 'utf8'))
const SECRET = 'secret-key'

/** The canonical text in plain JavaScript: keys sorted, null members dropped. */
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map((v) => (v === null || v === undefined ? 'null' : canonical(v))).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const members = Object.keys(value)
      .filter((k) => value[k] !== null && value[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
    return `{${members.join(',')}}`
  }
  return JSON.stringify(value)
}

function signPureJs(payload, secret) {
  const { security, _signature, ...signed } = payload
  return crypto.createHmac('sha256', secret).update(canonical(signed)).digest('hex')
}

const ours = rxon.signPayload(result, SECRET)
const theirs = signPureJs(result, SECRET)
if (ours !== theirs) throw new Error(`signatures differ: ${ours} vs ${theirs}`)

function opsPerSecond(fn) {
  const n = 20000
  let best = Infinity
  for (let round = 0; round < 7; round++) {
    const start = process.hrtime.bigint()
    for (let i = 0; i < n; i++) fn()
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9)
  }
  return n / best
}

const rates = {
  'signPayload (rxon)': opsPerSecond(() => rxon.signPayload(result, SECRET)),
  'sorted JSON.stringify + node:crypto HMAC': opsPerSecond(() => signPureJs(result, SECRET)),
  'jsonDumps (rxon)': opsPerSecond(() => rxon.jsonDumps(result)),
  'canonical text in JS': opsPerSecond(() => canonical(result)),
}
const bytes = Buffer.byteLength(JSON.stringify(result))
console.log(`TaskResult fixture, ${bytes} bytes as JSON; best of 7 × 20,000, Node ${process.version}`)
for (const [name, rate] of Object.entries(rates)) console.log(`${name.padEnd(44)} ${Math.round(rate).toLocaleString('en-US').padStart(10)} ops/s`)
console.log(`signPayload ÷ pure JS: ${(rates['signPayload (rxon)'] / rates['sorted JSON.stringify + node:crypto HMAC']).toFixed(2)}×`)
