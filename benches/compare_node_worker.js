#!/usr/bin/env node
// Poll → result cycles/s of `rxon`'s Worker (Node) beside the reference Python transport loop,
// rxon_core.Worker (Python) and the core's runtime driven from Rust (the worker_cycles
// example), one run, against rxon's echo_listener (release) on loopback,
// each point for 8 s after 1 s of warm-up; the rxon workers with one poll open at a time (the
// default) and with as many polls as slots (`concurrentPolls`). Needs a release build of
// bindings-node (`npm run build`) and the Python virtualenv `benches/compare_python.py` makes
// (.venv-bench-python).
//
//     node benches/compare_node_worker.js

'use strict'
const { spawn, execFileSync } = require('node:child_process')
const path = require('node:path')
const readline = require('node:readline')
const rxon = require('../bindings-node')

const ROOT = path.resolve(__dirname, '..')
const TARGET = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target')
const DURATION = 8
const POINTS = [1, 16, 64]

async function nodeWorker(url, concurrency, concurrentPolls) {
  const worker = new rxon.Worker({
    url,
    workerId: 'bench-node',
    token: 'token',
    skills: ['echo'],
    concurrency,
    concurrentPolls,
    signing: 'off',
    pollTimeout: 5,
  })
  let done = 0
  let counting = false
  const running = worker.run(async (task) => {
    if (counting) done += 1
    return { n: task.params.n }
  })
  await new Promise((resolve) => setTimeout(resolve, 1000))
  counting = true
  await new Promise((resolve) => setTimeout(resolve, DURATION * 1000))
  counting = false
  await worker.close(1)
  await running
  return done / DURATION
}

function python(impl, url, concurrency) {
  const venv = path.join(ROOT, '.venv-bench-python', 'bin', 'python')
  const script = path.join(__dirname, 'compare_python.py')
  const out = execFileSync(venv, [script, '--inner', '--duration', String(DURATION), '--cycles', impl, url, String(concurrency)])
  return Number(String(out).trim()) / DURATION
}

const EXAMPLES = path.join(TARGET, 'x86_64-unknown-linux-gnu', 'release', 'examples')

function rust(url, slots, polls) {
  const args = ['--url', url, '--slots', String(slots), '--duration', String(DURATION), '--polls', String(polls)]
  const out = execFileSync(path.join(EXAMPLES, 'worker_cycles'), args)
  return Number(String(out).trim())
}

async function main() {
  for (const example of ['echo_listener', 'worker_cycles']) {
    execFileSync('cargo', ['build', '--release', '-p', 'rxon-core', '--example', example], { cwd: ROOT, stdio: 'inherit' })
  }
  const listener = spawn(path.join(EXAMPLES, 'echo_listener'), ['--bind', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let url
  for await (const line of readline.createInterface({ input: listener.stdout })) {
    const match = /^listening on (.+)$/.exec(line)
    if (match) {
      url = `http://${match[1]}`
      break
    }
  }
  const rows = []
  for (const n of POINTS) {
    const row = {
      n,
      node: await nodeWorker(url, n, 1),
      nodePolls: await nodeWorker(url, n, n),
      reference: python('reference', url, n),
      pyWorker: python('worker', url, n),
      pyWorkerPolls: python('worker_polls', url, n),
      core: rust(url, n, 1),
      corePolls: rust(url, n, n),
    }
    rows.push(row)
    console.error(JSON.stringify(row))
  }
  listener.kill('SIGTERM')
  const f = (x) => Math.round(x).toLocaleString('en-US')
  const pair = (one, polls) => `${f(one)} / ${f(polls)}`
  console.log(
    '| concurrent tasks | reference HttpTransport (Python) | rxon_core.Worker (Python) | rxon Worker (Node) | core runtime (Rust) | Node ÷ reference | Node ÷ Rust |',
  )
  console.log('|---:|---:|---:|---:|---:|---:|---:|')
  for (const r of rows) {
    const vsReference = `${(r.node / r.reference).toFixed(1)}× / ${(r.nodePolls / r.reference).toFixed(1)}×`
    const vsRust = `${Math.round((100 * r.node) / r.core)} % / ${Math.round((100 * r.nodePolls) / r.corePolls)} %`
    console.log(
      `| ${r.n} | ${f(r.reference)} | ${pair(r.pyWorker, r.pyWorkerPolls)} | ${pair(r.node, r.nodePolls)} | ${pair(r.core, r.corePolls)} | ${vsReference} | ${vsRust} |`,
    )
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
