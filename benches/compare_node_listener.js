#!/usr/bin/env node
// Heartbeats/s under `wrk -t2 -c64` (PATCH /_worker/workers/{id}, benches/wrk_heartbeat.lua)
// against three orchestrators with the same engine (token check, count per action, default
// answer), one run, each for 10 s after 2 s of warm-up:
//   * rxon's Listener (Node) with a JavaScript handler;
//   * a `node:http` server doing the routing and JSON work in JavaScript (route, token,
//     read the body, JSON.parse, check the heartbeat's members, answer `{"status":"ok"}`);
//   * rxon's listener from Rust (the echo_listener example, release), for reference.
// Needs `wrk` and a release build of bindings-node (`npm run build` in bindings-node).
//
//     node benches/compare_node_listener.js

'use strict'
const { spawn, execFileSync } = require('node:child_process')
const http = require('node:http')
const path = require('node:path')
const readline = require('node:readline')
const rxon = require('../bindings-node')

const ROOT = path.resolve(__dirname, '..')
const TARGET = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target')
const DURATION = 10
const WARMUP = 2
const TOKEN = 'token'

/** wrk against `url` for `seconds`: requests/s, and the non-2xx count it reports. */
function wrk(url, seconds) {
  return new Promise((resolve, reject) => {
    const args = ['-t2', '-c64', `-d${seconds}s`, '-s', path.join(__dirname, 'wrk_heartbeat.lua'), url]
    const child = spawn('wrk', args)
    let out = ''
    child.stdout.on('data', (chunk) => (out += chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      const rate = /Requests\/sec:\s+([\d.]+)/.exec(out)
      if (code !== 0 || !rate) return reject(new Error(`wrk failed: ${out}`))
      const bad = /Non-2xx or 3xx responses: (\d+)/.exec(out)
      resolve({ rate: Number(rate[1]), errors: bad ? Number(bad[1]) : 0 })
    })
  })
}

async function measure(url) {
  await wrk(url, WARMUP)
  return wrk(url, DURATION)
}

/** The engine both Node servers run: the same checks and counts as echo_listener's. */
const counts = new Map()
function count(action) {
  counts.set(action, (counts.get(action) || 0) + 1)
}

async function rxonListener() {
  const listener = new rxon.Listener({
    handler(action, payload, context) {
      if (context.token !== TOKEN) throw new rxon.RxonAuthError('invalid worker token')
      count(action)
      return undefined
    },
  })
  await listener.listen()
  return { url: listener.url, close: () => listener.close(1) }
}

/** What a Node user writes without rxon: the heartbeat route of the protocol in node:http. */
async function nodeHttp() {
  const HEARTBEAT = /^\/_worker\/workers\/([A-Za-z0-9_.-]+)$/
  const headers = { 'Content-Type': 'application/json', 'X-RXON-Version': rxon.PROTOCOL_VERSION }
  const answer = (response, status, body) => {
    response.writeHead(status, headers)
    response.end(JSON.stringify(body))
  }
  const server = http.createServer((request, response) => {
    const route = HEARTBEAT.exec(request.url)
    if (!route || request.method !== 'PATCH') return answer(response, 404, { error: 'not found' })
    if (request.headers['x-worker-token'] !== TOKEN) return answer(response, 403, { error: 'invalid worker token' })
    const chunks = []
    request.on('data', (chunk) => chunks.push(chunk))
    request.on('end', () => {
      let heartbeat
      try {
        heartbeat = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      } catch {
        return answer(response, 400, { error: 'Invalid JSON body' })
      }
      const valid =
        heartbeat !== null &&
        typeof heartbeat === 'object' &&
        typeof heartbeat.worker_id === 'string' &&
        typeof heartbeat.status === 'string' &&
        (heartbeat.current_tasks === undefined || Array.isArray(heartbeat.current_tasks)) &&
        (heartbeat.usage === undefined || (typeof heartbeat.usage === 'object' && heartbeat.usage !== null))
      if (!valid) return answer(response, 400, { error: 'Invalid heartbeat' })
      count('heartbeat')
      answer(response, 200, { status: 'ok' })
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) }
}

async function rustListener() {
  execFileSync('cargo', ['build', '--release', '-p', 'rxon-core', '--example', 'echo_listener'], { cwd: ROOT, stdio: 'inherit' })
  const binary = path.join(TARGET, 'x86_64-unknown-linux-gnu', 'release', 'examples', 'echo_listener')
  const child = spawn(binary, ['--bind', '127.0.0.1:0', '--token', TOKEN], { stdio: ['ignore', 'pipe', 'inherit'] })
  for await (const line of readline.createInterface({ input: child.stdout })) {
    const match = /^listening on (.+)$/.exec(line)
    if (match) return { url: `http://${match[1]}`, close: async () => child.kill('SIGTERM') }
  }
  throw new Error('echo_listener exited before listening')
}

async function main() {
  const rows = []
  for (const [name, start] of [
    ['rxon Listener (Node, JS handler)', rxonListener],
    ['node:http (routing and JSON in JS)', nodeHttp],
    ['rxon listener (Rust, echo_listener)', rustListener],
  ]) {
    const server = await start()
    const { rate, errors } = await measure(server.url)
    await server.close()
    rows.push({ name, rate, errors })
    console.error(`${name}: ${Math.round(rate)} requests/s, ${errors} errors`)
  }
  const base = rows[1].rate
  const f = (x) => Math.round(x).toLocaleString('en-US')
  console.log('| server | heartbeats/s | errors | ÷ node:http |')
  console.log('|---|---:|---:|---:|')
  for (const r of rows) console.log(`| ${r.name} | ${f(r.rate)} | ${r.errors} | ${(r.rate / base).toFixed(2)}× |`)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
