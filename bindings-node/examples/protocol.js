// The README's first example: run from a project where `rxon` is installed.
const assert = require('node:assert/strict')
const rxon = require('rxon')

const secret = process.env.TASK_SECRET || 'task-secret'
// A task as the orchestrator sends it, checked and decoded as the reference would.
const task = rxon.decode('TaskPayload', { job_id: 'j1', task_id: 't1', type: 'echo', priority: 5 })
const signature = rxon.signPayload(task, secret)
assert.ok(rxon.verifySignature(task, signature, secret))

assert.equal(rxon.jsonDumps({ b: 1, a: 2.0 }), '{"a":2,"b":1}') // the canonical text
assert.equal(rxon.loads('{"n": 123456789012345678901}').n, 123456789012345678901n) // exact
const check = rxon.validateData({ n: 'x' }, { type: 'object', properties: { n: { type: 'integer' } } })
assert.deepEqual(check, { valid: false, message: "Field 'n': Expected integer" })
console.log('protocol example (require): ok')
